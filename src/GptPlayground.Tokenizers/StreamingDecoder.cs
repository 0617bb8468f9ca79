using System.Text;

namespace GptPlayground.Tokenizers;

/// <summary>
/// Decodes generated tokens one at a time for streaming output. Each <see cref="Append"/> returns only the new
/// text, and never a broken character: bytes of a UTF-8 sequence that a token left incomplete (byte-fallback and
/// byte-level tokens can carry part of a character) are held back until the sequence completes.
/// The concatenation of all returned pieces, <see cref="Flush"/> included, equals <see cref="ITokenizer.Decode"/>
/// of all the ids, including SentencePiece's rule that the first token's leading space is dropped.
/// </summary>
/// <remarks>Not thread-safe: use one instance per sequence. Create with <see cref="ITokenizer.CreateStreamingDecoder"/>.</remarks>
/// <example>
/// <code>
/// var stream = tokenizer.CreateStreamingDecoder(skipSpecialTokens: true);
/// foreach (int id in generatedIds) output.Write(stream.Append(id));
/// output.Write(stream.Flush());
/// </code>
/// </example>
public sealed class StreamingDecoder
{
    readonly TokenTable table;
    readonly bool skipSpecialTokens;
    readonly Decoder utf8 = Encoding.UTF8.GetDecoder();   // keeps an incomplete sequence between calls; invalid bytes → U+FFFD
    char[] chars = new char[32];
    bool started;
    int spacesToStrip;

    internal StreamingDecoder(TokenTable table, bool skipSpecialTokens)
    {
        this.table = table;
        this.skipSpecialTokens = skipSpecialTokens;
        spacesToStrip = table.Decoder.StripLeadingSpaces;
    }

    /// <summary>Adds one token; returns the text it completes (often the token's own text, sometimes "" or more).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is outside <c>[0, VocabSize)</c>.</exception>
    public string Append(int id)
    {
        table.Check(id);
        if (skipSpecialTokens && table.IsSpecial(id)) return "";
        var bytes = started ? table.Bytes(id) : table.FirstBytes(id);
        started = true;
        return Emit(bytes, flush: false);
    }

    /// <summary>
    /// Ends the stream: returns the bytes still held, an incomplete UTF-8 sequence becoming U+FFFD ("" when nothing is held).
    /// Appending may go on afterwards as a continuation of the same text.
    /// </summary>
    public string Flush() => Emit([], flush: true);

    string Emit(ReadOnlySpan<byte> bytes, bool flush)
    {
        int count = utf8.GetCharCount(bytes, flush);
        if (count > chars.Length) chars = new char[Math.Max(count, chars.Length * 2)];
        count = utf8.GetChars(bytes, chars, flush);
        return count == 0 ? "" : TokenDecoder.StripStart(new string(chars, 0, count), ref spacesToStrip);
    }
}
