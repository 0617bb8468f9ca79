using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using Ml = Microsoft.ML.Tokenizers;

namespace GptPlayground.Tokenizers;

/// <summary>The BPE model step of encoding: turns one pre-token (a word) into ids.</summary>
internal interface IBpeModel
{
    /// <summary>Appends the ids of one pre-token (already normalized and pre-tokenized) to <paramref name="output"/>.</summary>
    void Encode(ReadOnlySpan<char> word, List<int> output);
}

/// <summary>
/// The BPE model, run by Microsoft.ML.Tokenizers' <see cref="Ml.BpeTokenizer"/> (its merge loop and word cache).
/// Two kinds of input symbols:
/// <list type="bullet">
/// <item><b>byte-level</b> (GPT-2): the library's <c>ByteLevel</c> option, each UTF-8 byte of the word one symbol;</item>
/// <item><b>character</b> (SentencePiece / Llama): each Unicode character one symbol. The library has no byte fallback,
/// so this class cuts the word at characters the vocabulary lacks (no merge can cross them: they are not symbols of any
/// rule), hands the runs between them to the library, and writes each missing character itself as its UTF-8 bytes'
/// <c>&lt;0xNN&gt;</c> tokens (<c>byte_fallback</c>), else the unknown token (one per run with <c>fuse_unk</c>).</item>
/// </list>
/// What else stays here because the library lacks it: <c>ignore_merges</c>, lone UTF-16 surrogates (the library would
/// encode them as invalid 3-byte sequences; Hugging Face and this project read them as U+FFFD), tokens with a space in a
/// merge (the library's merge format "a b" cannot hold them: the space is swapped for a stand-in character), duplicate
/// merges (the library throws; the first one wins here, as in Hugging Face), and cutting SentencePiece text at "▁".
/// </summary>
internal sealed class BpeModel : IBpeModel
{
    /// <summary>SentencePiece's word-boundary mark, which stands for a space.</summary>
    public const char Metaspace = '\u2581';

    readonly Ml.BpeTokenizer bpe;
    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> vocabBySpan;
    readonly bool byteLevel;
    readonly int[] byteIds;                  // character mode: id of <0xNN>, or -1
    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> charTokens;   // character mode: single-character tokens
    readonly bool[] knownBmp;               // character mode: the BMP characters among them
    readonly int? unkId;
    readonly bool fuseUnk;
    readonly bool ignoreMerges;
    readonly char? spaceStandIn;             // stands for ' ' inside the library when a merged token holds a space
    readonly HashSet<char>? joinsBeforeMetaspace;   // see Encode
    readonly WordCache cache = new();         // a word's ids, whichever path made them

    /// <param name="vocab">Token → id.</param>
    /// <param name="merges">Merge rules, lowest rank first; every token in them is in <paramref name="vocab"/>.</param>
    /// <param name="options">The model's settings.</param>
    public BpeModel(Dictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges, BpeOptions options)
    {
        vocabBySpan = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        byteLevel = options.ByteLevel;
        unkId = options.UnkToken is { } unk && vocab.TryGetValue(unk, out int u) ? u : null;
        fuseUnk = options.FuseUnk;
        ignoreMerges = options.IgnoreMerges;

        byteIds = new int[256];
        for (int b = 0; b < 256; b++)
            byteIds[b] = !byteLevel && options.ByteFallback && vocab.TryGetValue($"<0x{b:X2}>", out int id) ? id : -1;

        var singles = new Dictionary<string, int>(StringComparer.Ordinal);
        knownBmp = new bool[byteLevel ? 0 : char.MaxValue + 1];
        if (!byteLevel)
        {
            foreach (var (token, id) in vocab)
                if (Rune.DecodeFromUtf16(token, out _, out int used) == OperationStatus.Done && used == token.Length)
                {
                    singles[token] = id;
                    if (used == 1) knownBmp[token[0]] = true;
                }
            if (!ignoreMerges) joinsBeforeMetaspace = CharsBeforeMetaspace(vocab.Keys);
        }
        charTokens = singles.GetAlternateLookup<ReadOnlySpan<char>>();

        spaceStandIn = merges.Any(m => m.Left.Contains(' ') || m.Right.Contains(' ')) ? StandIn(vocab.Keys) : null;
        bpe = Ml.BpeTokenizer.Create(new Ml.BpeOptions(LibraryVocabulary(vocab))
        {
            Merges = LibraryMerges(merges),
            ByteLevel = byteLevel,
            // byte level: a byte the vocabulary lacks becomes the unknown token (each one; the library never sees an
            // unknown character in character mode, see Encode)
            UnknownToken = byteLevel && unkId is not null ? Rename(options.UnkToken!) : null,
        });
    }

    /// <summary>Appends the ids of one pre-token (already normalized and pre-tokenized) to <paramref name="output"/>.</summary>
    public void Encode(ReadOnlySpan<char> word, List<int> output)
    {
        if (word.IsEmpty) return;
        if (word.ContainsAnyInRange('\uD800', '\uDFFF') && HasLoneSurrogate(word))
            word = ReplaceLoneSurrogates(word);
        if (joinsBeforeMetaspace is null)
        {
            EncodeWord(word, output);
            return;
        }
        // Character mode without a pre-tokenizer sees the whole text as one word; cut it where no merge can reach across,
        // so that the library caches short pieces rather than whole texts.
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
        int start = output.Count;
        EncodeUncached(word, output);
        if (word.Length <= WordCache.MaxWordLength)
            cache.Add(word, CollectionsMarshal.AsSpan(output)[start..].ToArray());
    }

    void EncodeUncached(ReadOnlySpan<char> word, List<int> output)
    {
        if (ignoreMerges && WholeWordId(word) is int whole)
        {
            output.Add(whole);
            return;
        }
        if (byteLevel)
        {
            output.AddRange(bpe.EncodeToIds(word, considerPreTokenization: false, considerNormalization: false));
            return;
        }

        // character mode: runs of known characters go to the library, unknown characters fall back to bytes or <unk>
        int runStart = 0;
        bool lastWasUnk = false;
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < word.Length;)
        {
            if (knownBmp[word[i]])
            {
                i++;
                continue;
            }
            int width = char.IsHighSurrogate(word[i]) ? 2 : 1;   // lone surrogates were replaced in Encode
            var symbol = word.Slice(i, width);
            if (width == 2 && charTokens.ContainsKey(symbol))
            {
                i += width;
                continue;
            }
            if (i > runStart)
            {
                EncodeKnown(word[runStart..i], output);
                lastWasUnk = false;
            }
            Rune.DecodeFromUtf16(symbol, out var rune, out _);
            int n = rune.EncodeToUtf8(utf8);
            bool allBytes = true;
            for (int b = 0; b < n; b++) allBytes &= byteIds[utf8[b]] >= 0;
            if (allBytes)
            {
                for (int b = 0; b < n; b++) output.Add(byteIds[utf8[b]]);
                lastWasUnk = false;
            }
            else if (unkId is int unk)
            {
                if (!(fuseUnk && lastWasUnk)) output.Add(unk);   // fuse_unk: a run of unknown characters is one <unk>
                lastWasUnk = true;
            }
            // no byte fallback and no unk token: the character is dropped, as Hugging Face tokenizers does
            i += width;
            runStart = i;
        }
        if (runStart < word.Length) EncodeKnown(word[runStart..], output);
    }

    /// <summary>A run of characters that all have tokens: the library merges it.</summary>
    void EncodeKnown(ReadOnlySpan<char> run, List<int> output)
    {
        if (spaceStandIn is char standIn && run.Contains(' '))
        {
            Span<char> copy = run.Length <= 256 ? stackalloc char[run.Length] : new char[run.Length];
            run.Replace(copy, ' ', standIn);
            output.AddRange(bpe.EncodeToIds(copy, considerPreTokenization: false, considerNormalization: false));
            return;
        }
        output.AddRange(bpe.EncodeToIds(run, considerPreTokenization: false, considerNormalization: false));
    }

    int? WholeWordId(ReadOnlySpan<char> word)
    {
        if (!byteLevel) return vocabBySpan.TryGetValue(word, out int id) ? id : null;
        return vocabBySpan.TryGetValue(ByteLevel.ToVocabString(Encoding.UTF8.GetBytes(word.ToArray())), out int bid) ? bid : null;
    }

    IEnumerable<KeyValuePair<string, int>> LibraryVocabulary(Dictionary<string, int> vocab) =>
        spaceStandIn is null ? vocab : vocab.Select(e => KeyValuePair.Create(Rename(e.Key), e.Value));

    /// <summary>Merges as the library reads them ("a b"), the first rule for a pair winning.</summary>
    List<string> LibraryMerges(IReadOnlyList<(string Left, string Right)> merges)
    {
        var seen = new HashSet<(string, string)>(merges.Count);
        var result = new List<string>(merges.Count);
        foreach (var merge in merges)
            if (seen.Add(merge)) result.Add($"{Rename(merge.Left)} {Rename(merge.Right)}");
        return result;
    }

    string Rename(string token) => spaceStandIn is char standIn ? token.Replace(' ', standIn) : token;

    /// <summary>A character no token uses, to stand for ' ' inside the library (a private-use one, normally U+E000).</summary>
    static char StandIn(IEnumerable<string> tokens)
    {
        var used = new HashSet<char>(tokens.SelectMany(t => t));
        for (char c = '\uE000'; c <= '\uF8FF'; c++)
            if (!used.Contains(c)) return c;
        throw new InvalidOperationException("every private-use character is in the vocabulary");
    }

    static bool HasLoneSurrogate(ReadOnlySpan<char> text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i])) continue;
            if (!IsPairAt(text, i)) return true;
            i++;
        }
        return false;
    }

    static bool IsPairAt(ReadOnlySpan<char> text, int i) =>
        char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);

    static string ReplaceLoneSurrogates(ReadOnlySpan<char> text)
    {
        var chars = text.ToArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (!char.IsSurrogate(chars[i])) continue;
            if (IsPairAt(chars, i)) i++;
            else chars[i] = '\uFFFD';
        }
        return new string(chars);
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

/// <summary>Settings of <see cref="BpeModel"/> (the <c>model</c> object of tokenizer.json).</summary>
/// <param name="ByteLevel">Input symbols are UTF-8 bytes (a ByteLevel pre-tokenizer is in use), not characters.</param>
/// <param name="ByteFallback">Characters missing from the vocabulary become <c>&lt;0xNN&gt;</c> tokens.</param>
/// <param name="UnkToken">The unknown token's text, if any.</param>
/// <param name="FuseUnk">A run of unknown characters gives one unknown token.</param>
/// <param name="IgnoreMerges">A word that is itself in the vocabulary is one token, whatever the merges say.</param>
internal sealed record BpeOptions(bool ByteLevel, bool ByteFallback = false, string? UnkToken = null,
    bool FuseUnk = false, bool IgnoreMerges = false);
