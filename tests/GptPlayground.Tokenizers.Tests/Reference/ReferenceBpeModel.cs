using System.Buffers;
using System.Text;

namespace GptPlayground.Tokenizers.Tests.Reference;

/// <summary>
/// The project's former hand-written BPE model, kept as the reference ("old") side of the differential tests: the
/// library-backed <see cref="BpeModel"/> must give the same ids on every input. Two kinds of input symbols:
/// <list type="bullet">
/// <item><b>byte-level</b> (GPT-2): each UTF-8 byte of the word is one symbol, spelled with <see cref="ByteLevel"/>;</item>
/// <item><b>character</b> (SentencePiece / Llama): each Unicode character is one symbol; a character the vocabulary
/// lacks becomes its UTF-8 bytes as <c>&lt;0xNN&gt;</c> tokens (<c>byte_fallback</c>), else the unknown token.</item>
/// </list>
/// The symbols are then merged by <see cref="BpeMerger"/>; results are cached per word.
/// </summary>
internal sealed class ReferenceBpeModel : IBpeModel
{
    /// <summary>Builds the model of a tokenizer's parts (what <see cref="TokenizerParts.Build"/> did before the library).</summary>
    public static ReferenceBpeModel From(TokenizerParts parts)
    {
        var merges = new MergeTable(parts.Merges.Count);
        for (int rank = 0; rank < parts.Merges.Count; rank++)
        {
            var (left, right) = parts.Merges[rank];
            merges.TryAdd(parts.Vocab[left], parts.Vocab[right], rank, parts.Vocab[left + right]);
        }
        return new ReferenceBpeModel(parts.Vocab, merges, parts.Options);
    }

    /// <summary>Loads a model folder as <see cref="TokenizerLoader.Load"/> does, with this model in place of the library's.</summary>
    public static ITokenizer Load(string modelDirectory) => TokenizerLoader.LoadWith(modelDirectory, From);

    /// <summary>SentencePiece's word-boundary mark, which stands for a space.</summary>
    public const char Metaspace = '\u2581';

    readonly Dictionary<string, int> vocab;
    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> vocabBySpan;
    readonly MergeTable merges;
    readonly bool byteLevel;
    readonly int[] byteIds;                  // byte-level: id of each byte; character mode: id of <0xNN>, or -1
    readonly Dictionary<int, int> charIds;   // character mode: id of each single-character token, by code point
    readonly int? unkId;
    readonly bool fuseUnk;
    readonly bool ignoreMerges;
    readonly HashSet<char>? joinsBeforeMetaspace;   // see SplitAtMetaspace
    readonly WordCache cache = new();

    public ReferenceBpeModel(Dictionary<string, int> vocab, MergeTable merges, BpeOptions options)
    {
        this.vocab = vocab;
        vocabBySpan = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        this.merges = merges;
        byteLevel = options.ByteLevel;
        unkId = options.UnkToken is { } unk && vocab.TryGetValue(unk, out int u) ? u : null;
        fuseUnk = options.FuseUnk;
        ignoreMerges = options.IgnoreMerges;

        byteIds = new int[256];
        for (int b = 0; b < 256; b++)
        {
            string name = byteLevel ? ByteLevel.ByteToChar[b].ToString() : $"<0x{b:X2}>";
            byteIds[b] = (byteLevel || options.ByteFallback) && vocab.TryGetValue(name, out int id) ? id : -1;
        }

        charIds = [];
        if (!byteLevel)
        {
            foreach (var (token, id) in vocab)
                if (Rune.DecodeFromUtf16(token, out var rune, out int used) == OperationStatus.Done && used == token.Length)
                    charIds[rune.Value] = id;
            if (!ignoreMerges) joinsBeforeMetaspace = CharsBeforeMetaspace(vocab.Keys);
        }
    }

    /// <summary>Appends the ids of one pre-token (already normalized and pre-tokenized) to <paramref name="output"/>.</summary>
    public void Encode(ReadOnlySpan<char> word, List<int> output)
    {
        if (joinsBeforeMetaspace is null)
        {
            EncodeWord(word, output);
            return;
        }
        // Character mode without a pre-tokenizer sees the whole text as one word; cut it where no merge can reach across.
        int start = 0;
        for (int i = 1; i < word.Length; i++)
        {
            if (word[i] != Metaspace || joinsBeforeMetaspace.Contains(word[i - 1])) continue;
            EncodeWord(word[start..i], output);
            start = i;
        }
        EncodeWord(word[start..], output);
    }

    void EncodeWord(ReadOnlySpan<char> word, List<int> output)
    {
        if (word.IsEmpty) return;
        if (cache.TryGet(word, out var cached))
        {
            output.AddRange(cached);
            return;
        }
        int[] ids = Tokenize(word);
        cache.Add(word, ids);
        output.AddRange(ids);
    }

    int[] Tokenize(ReadOnlySpan<char> word)
    {
        if (ignoreMerges && WholeWordId(word) is int whole) return [whole];

        // at most 4 symbols per char (a character that falls back to its UTF-8 bytes), 3 per char at byte level
        int[] symbols = ArrayPool<int>.Shared.Rent(word.Length * 4);
        try
        {
            int count = byteLevel ? ByteSymbols(word, symbols) : CharSymbols(word, symbols);
            count = BpeMerger.Merge(symbols, count, merges);
            return symbols.AsSpan(0, count).ToArray();
        }
        finally
        {
            ArrayPool<int>.Shared.Return(symbols);
        }
    }

    int? WholeWordId(ReadOnlySpan<char> word)
    {
        if (!byteLevel) return vocabBySpan.TryGetValue(word, out int id) ? id : null;
        return vocab.TryGetValue(ByteLevel.ToVocabString(Encoding.UTF8.GetBytes(word.ToArray())), out int bid) ? bid : null;
    }

    int ByteSymbols(ReadOnlySpan<char> word, int[] symbols)
    {
        int byteCount = Encoding.UTF8.GetByteCount(word);
        byte[] bytes = ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            Encoding.UTF8.GetBytes(word, bytes);
            int count = 0;
            foreach (byte b in bytes.AsSpan(0, byteCount))
            {
                if (byteIds[b] >= 0) symbols[count++] = byteIds[b];
                else if (unkId is int unk) symbols[count++] = unk;   // a byte-level vocabulary missing a byte: rare
            }
            return count;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    int CharSymbols(ReadOnlySpan<char> word, int[] symbols)
    {
        int count = 0;
        bool lastWasUnk = false;
        Span<byte> utf8 = stackalloc byte[4];
        while (!word.IsEmpty)
        {
            Rune.DecodeFromUtf16(word, out var rune, out int used);   // a lone surrogate decodes as U+FFFD
            word = word[used..];
            if (charIds.TryGetValue(rune.Value, out int id))
            {
                symbols[count++] = id;
                lastWasUnk = false;
                continue;
            }
            int n = rune.EncodeToUtf8(utf8);
            bool allBytes = true;
            for (int i = 0; i < n; i++) allBytes &= byteIds[utf8[i]] >= 0;
            if (allBytes)
            {
                for (int i = 0; i < n; i++) symbols[count++] = byteIds[utf8[i]];
                lastWasUnk = false;
            }
            else if (unkId is int unk)
            {
                if (!(fuseUnk && lastWasUnk)) symbols[count++] = unk;   // fuse_unk: a run of unknown characters is one <unk>
                lastWasUnk = true;
            }
            // no byte fallback and no unk token: the character is dropped, as Hugging Face tokenizers does
        }
        return count;
    }

    /// <summary>
    /// Characters that some token has right before a "▁". A merge can only join two symbols into a token that
    /// exists, so where the character before a "▁" is not in this set no symbol ever spans that boundary:
    /// the text can be cut there and each piece merged (and cached) on its own with the same result.
    /// For Llama's vocabulary the set is just "▁" itself (from tokens like "▁▁▁▁").
    /// </summary>
    static HashSet<char> CharsBeforeMetaspace(IEnumerable<string> tokens)
    {
        var set = new HashSet<char>();
        foreach (var token in tokens)
            for (int i = token.Length < 2 ? -1 : token.IndexOf(Metaspace, 1); i > 0; i = token.IndexOf(Metaspace, i + 1))
                set.Add(token[i - 1]);
        return set;
    }
}
