using System.Buffers;
using System.Text;

namespace GptPlayground.Tokenizers;

/// <summary>
/// Everything about each id that decoding needs, computed once at load: its text, its decoded bytes
/// (all tokens' bytes in one array, by offset), and whether it is special or added.
/// </summary>
internal sealed class TokenTable
{
    readonly string?[] texts;
    readonly byte[] bytes;
    readonly int[] offsets;   // token i's bytes are bytes[offsets[i]..offsets[i + 1]]
    readonly bool[] special;
    readonly bool[] added;

    /// <param name="texts">Token text by id (vocabulary and added tokens); null where no token has the id.</param>
    /// <param name="addedTokens">Added tokens: shown as their text, special ones skippable.</param>
    /// <param name="specialIds">Further ids to treat as special (BOS/EOS/... named by the configs).</param>
    /// <param name="decoder">How token text becomes bytes.</param>
    public TokenTable(string?[] texts, IEnumerable<AddedToken> addedTokens, IEnumerable<int> specialIds, TokenDecoder decoder)
    {
        this.texts = texts;
        Decoder = decoder;
        special = new bool[texts.Length];
        added = new bool[texts.Length];
        foreach (var token in addedTokens)
        {
            added[token.Id] = true;
            special[token.Id] |= token.Special;
        }
        foreach (int id in specialIds)
            if ((uint)id < (uint)texts.Length) special[id] = true;

        var all = new ArrayBufferWriter<byte>(texts.Length * 6);
        offsets = new int[texts.Length + 1];
        for (int id = 0; id < texts.Length; id++)
        {
            if (texts[id] is { } text) all.Write(decoder.Bytes(text));
            offsets[id + 1] = all.WrittenCount;
        }
        bytes = all.WrittenSpan.ToArray();
    }

    public int VocabSize => texts.Length;

    public TokenDecoder Decoder { get; }

    public ReadOnlySpan<byte> Bytes(int id) => bytes.AsSpan(offsets[id], offsets[id + 1] - offsets[id]);

    /// <summary>The bytes of <paramref name="id"/> as the first token of a text (differs only under a Metaspace decoder).</summary>
    public ReadOnlySpan<byte> FirstBytes(int id) =>
        Decoder.FirstTokenDrops is null || texts[id] is not { } text ? Bytes(id) : Decoder.Bytes(text, first: true);

    public string? Text(int id) => texts[id];

    public bool IsSpecial(int id) => special[id];

    public bool IsAdded(int id) => added[id];

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is not a valid id.</exception>
    public void Check(int id, string paramName = "id")
    {
        if ((uint)id >= (uint)texts.Length)
            throw new ArgumentOutOfRangeException(paramName, id,
                $"token id {id} is outside the vocabulary: valid ids are 0..{texts.Length - 1} (vocabulary size {texts.Length})");
    }

    /// <summary>
    /// One token for a token view: added tokens as their text, others as their bytes decoded, with each byte that
    /// is not part of a complete UTF-8 character written as <c>\xNN</c>.
    /// </summary>
    public string Display(int id)
    {
        if (added[id]) return texts[id] ?? "";
        var span = Bytes(id);
        var text = new StringBuilder(span.Length);
        while (!span.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(span, out var rune, out int used) == OperationStatus.Done)
                text.Append(rune.ToString());
            else
                foreach (byte b in span[..used]) text.Append($"\\x{b:X2}");
            span = span[used..];
        }
        return text.ToString();
    }
}
