using System.Buffers;
using System.Text;

namespace GptPlayground.Tokenizers;

/// <summary>
/// A BPE tokenizer assembled from a Hugging Face tokenizer.json or GPT-2's vocab.json + merges.txt.
/// Encoding follows Hugging Face tokenizers' pipeline:
/// <list type="number">
/// <item>split off added tokens that match the raw text (<c>normalized: false</c>, e.g. "&lt;s&gt;");</item>
/// <item>normalize each remaining piece, then split off added tokens that match normalized text;</item>
/// <item>pre-tokenize each piece into words (GPT-2 regex, Metaspace, ...);</item>
/// <item>BPE-encode each word (<see cref="BpeModel"/>: Microsoft.ML.Tokenizers' BPE);</item>
/// <item>prepend BOS when asked to and configured to.</item>
/// </list>
/// </summary>
internal sealed class BpeTokenizer : ITokenizer
{
    readonly AddedTokenMatcher rawAdded;
    readonly AddedTokenMatcher normalizedAdded;
    readonly Normalizer? normalizer;
    readonly PreTokenizer? preTokenizer;
    readonly IBpeModel model;
    readonly TokenTable table;

    public BpeTokenizer(IBpeModel model, TokenTable table, IReadOnlyCollection<AddedToken> addedTokens,
        Normalizer? normalizer, PreTokenizer? preTokenizer, SpecialTokenIds special)
    {
        this.model = model;
        this.table = table;
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        Special = special;
        rawAdded = new(addedTokens.Where(t => !t.Normalized).Select(t => (t.Content, t)));
        // normalized tokens are looked for in normalized text, so their pattern is normalized too (as Hugging Face does)
        normalizedAdded = new(addedTokens.Where(t => t.Normalized).Select(t => (normalizer?.Normalize(t.Content) ?? t.Content, t)));
    }

    public int VocabSize => table.VocabSize;

    public SpecialTokenIds Special { get; }

    public int[] Encode(string text, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 2);
        if (addSpecialTokens && Special is { AddBosToken: true, Bos: int bos }) ids.Add(bos);

        var pieces = new List<TextPiece>();
        var innerPieces = new List<TextPiece>();
        var words = new List<TextSlice>();
        rawAdded.Split(text, pieces);
        foreach (var piece in pieces)
        {
            if (piece.TokenId >= 0)
            {
                ids.Add(piece.TokenId);
                continue;
            }
            string segment = text.Substring(piece.Start, piece.Length);
            string normalized = normalizer?.Normalize(segment) ?? segment;
            innerPieces.Clear();
            normalizedAdded.Split(normalized, innerPieces);
            foreach (var inner in innerPieces)
            {
                if (inner.TokenId >= 0)
                {
                    ids.Add(inner.TokenId);
                    continue;
                }
                var slice = new TextSlice(normalized, inner.Start, inner.Length);
                if (preTokenizer is null)
                {
                    model.Encode(slice.Span, ids);
                    continue;
                }
                words.Clear();
                preTokenizer.Split(slice, atStart: piece.Start == 0 && inner.Start == 0, words);
                foreach (var word in words) model.Encode(word.Span, ids);
            }
        }
        return [.. ids];
    }

    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var bytes = new ArrayBufferWriter<byte>(ids.Length * 4 + 16);
        bool first = true;
        foreach (int id in ids)
        {
            table.Check(id, nameof(ids));
            if (skipSpecialTokens && table.IsSpecial(id)) continue;
            bytes.Write(first ? table.FirstBytes(id) : table.Bytes(id));
            first = false;
        }
        int strip = table.Decoder.StripLeadingSpaces;
        return TokenDecoder.StripStart(Encoding.UTF8.GetString(bytes.WrittenSpan), ref strip);
    }

    public ReadOnlySpan<byte> TokenBytes(int id)
    {
        table.Check(id);
        return table.Bytes(id);
    }

    public string TokenToDisplay(int id)
    {
        table.Check(id);
        return table.Display(id);
    }

    public bool IsSpecialToken(int id)
    {
        table.Check(id);
        return table.IsSpecial(id);
    }

    public StreamingDecoder CreateStreamingDecoder(bool skipSpecialTokens = false) => new(table, skipSpecialTokens);
}
