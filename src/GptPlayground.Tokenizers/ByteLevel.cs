namespace GptPlayground.Tokenizers;

/// <summary>
/// GPT-2's byte-to-character table: byte-level BPE vocabularies spell each of the 256 byte values as one
/// printable character ("Ġ" is the space byte 0x20, "Ċ" is 0x0A), so that every token is a plain string.
/// Printable Latin-1 bytes (<c>!</c>..<c>~</c>, <c>¡</c>..<c>¬</c>, <c>®</c>..<c>ÿ</c>) stand for themselves;
/// the 68 others map, in order, to U+0100..U+0143 (<c>bytes_to_unicode</c> in GPT-2's <c>encoder.py</c>).
/// </summary>
internal static class ByteLevel
{
    /// <summary>The character that stands for each byte value.</summary>
    public static readonly char[] ByteToChar = BuildByteToChar();

    // Inverse of ByteToChar: indexed by character (all are below U+0144), -1 where no byte maps there.
    static readonly short[] charToByte = BuildCharToByte();

    /// <summary>The vocabulary spelling of <paramref name="bytes"/> ("Ġthe" for " the").</summary>
    public static string ToVocabString(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = ByteToChar[bytes[i]];
        return new string(chars);
    }

    /// <summary>
    /// The bytes a vocabulary string stands for, or null when one of its characters is not in the table
    /// (added tokens such as "&lt;|endoftext|&gt;" are in it; a token like "日本" is not: callers then use its UTF-8).
    /// </summary>
    public static byte[]? TryToBytes(string token)
    {
        var bytes = new byte[token.Length];
        for (int i = 0; i < token.Length; i++)
        {
            int c = token[i];
            if (c >= charToByte.Length || charToByte[c] < 0) return null;
            bytes[i] = (byte)charToByte[c];
        }
        return bytes;
    }

    static char[] BuildByteToChar()
    {
        var table = new char[256];
        int next = 256;   // non-printable bytes take U+0100, U+0101, ... in byte order
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = printable ? (char)b : (char)next++;
        }
        return table;
    }

    static short[] BuildCharToByte()
    {
        var inverse = new short[0x144];
        Array.Fill(inverse, (short)-1);
        for (int b = 0; b < 256; b++) inverse[ByteToChar[b]] = (short)b;
        return inverse;
    }
}
