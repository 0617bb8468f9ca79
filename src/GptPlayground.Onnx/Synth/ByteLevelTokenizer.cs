using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace GptPlayground.Onnx;

/// <summary>
/// Writes a GPT-2-style byte-level BPE tokenizer in Hugging Face's <c>tokenizer.json</c> format for a
/// synthetic model: ids 0-255 are the 256 bytes in GPT-2's order and byte-to-unicode spelling
/// (space is "Ġ", id 220), then merges learned from a short built-in English text (topped up with
/// deterministic letter merges for large vocabularies), and the last id is <c>&lt;|endoftext|&gt;</c>.
/// Any text round-trips, since every byte has a token.
/// </summary>
internal static partial class ByteLevelTokenizer
{
    public const string EndOfText = "<|endoftext|>";

    /// <summary>Smallest vocabulary with a tokenizer: 256 bytes + &lt;|endoftext|&gt;.</summary>
    public const int MinVocab = 257;

    // Training text for the first merges: enough English that "Ġthe", "ing", "Ġand" come out early.
    private const string Corpus = """
        The quick brown fox jumps over the lazy dog. A language model reads a prompt one token at a time and
        predicts the next token from the ones before it. The model is a stack of transformer blocks: each block
        lets every position look at the positions before it, then passes the result through a small network.
        When the model is sampling, it turns the scores into probabilities and draws the next token; when it is
        greedy, it takes the most likely one. People write prompts, read the answers, and change the settings
        to see what happens. This is a playground for that: you can try a prompt, compare two models, and save
        the notebook with the settings you liked. There is nothing here that the model has learned; the weights
        are random, and the text that comes out is noise that only looks like the words it was built from.
        """;

    // GPT-2's pre-tokenizer: contractions, words, numbers, punctuation runs and spaces, each with a leading space.
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex PreTokenizer();

    /// <summary>
    /// GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the other 68 bytes for
    /// U+0100 onwards. Index = token id: printable bytes first, as in GPT-2's vocab.
    /// </summary>
    public static (byte Byte, char Char)[] ByteTokens()
    {
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range('¡', '¬' - '¡' + 1)).Concat(Enumerable.Range('®', 'ÿ' - '®' + 1)).ToList();
        var others = Enumerable.Range(0, 256).Except(printable).ToList();
        return printable.Select(b => ((byte)b, (char)b))
            .Concat(others.Select((b, n) => ((byte)b, (char)(256 + n))))
            .ToArray();
    }

    /// <summary>The vocabulary (index = id) and merges (in rank order) of a <paramref name="vocab"/>-token tokenizer.</summary>
    public static (List<string> Tokens, List<(string Left, string Right)> Merges) Build(int vocab)
    {
        var tokens = ByteTokens().Select(t => t.Char.ToString()).ToList();
        var known = tokens.ToHashSet();
        var merges = new List<(string, string)>();
        int wanted = vocab - 1;   // tokens before <|endoftext|>

        void Add(string left, string right)
        {
            merges.Add((left, right));
            if (known.Add(left + right)) tokens.Add(left + right);
        }

        foreach (var (left, right) in LearnMerges(wanted - tokens.Count))
            Add(left, right);

        // Top up: lower-case words (optionally space-prefixed) extended by one letter, in vocab order.
        const string Letters = "etaoinshrdlcumwfgypbvkjxqz";
        for (int i = 0; tokens.Count < wanted; i++)
        {
            string left = tokens[i];
            if (!IsWordPiece(left)) continue;
            foreach (char c in Letters)
                if (tokens.Count < wanted && !known.Contains(left + c))
                    Add(left, c.ToString());
        }
        tokens.Add(EndOfText);
        return (tokens, merges);
    }

    /// <summary>"Ġ", "the" or "Ġthe": a lower-case word piece, optionally after a space.</summary>
    private static bool IsWordPiece(string token) =>
        token.Length > 0 && (token[0] == 'Ġ' ? token[1..] : token).All(char.IsAsciiLetterLower);

    /// <summary>Plain BPE training on <see cref="Corpus"/>: merge the most frequent adjacent pair (ties: ordinal order) while some pair occurs twice.</summary>
    private static IEnumerable<(string Left, string Right)> LearnMerges(int max)
    {
        var byteChar = ByteTokens().ToDictionary(t => t.Byte, t => t.Char);
        var words = PreTokenizer().Matches(Corpus.ReplaceLineEndings(" ").Trim())
            .GroupBy(m => m.Value)
            .Select(g => (Symbols: Encoding.UTF8.GetBytes(g.Key).Select(b => byteChar[b].ToString()).ToList(), Count: g.Count()))
            .ToList();
        for (int n = 0; n < max; n++)
        {
            var pairs = new Dictionary<(string, string), int>();
            foreach (var (symbols, count) in words)
                for (int i = 0; i + 1 < symbols.Count; i++)
                    pairs[(symbols[i], symbols[i + 1])] = pairs.GetValueOrDefault((symbols[i], symbols[i + 1])) + count;
            var best = pairs.OrderByDescending(p => p.Value)
                .ThenBy(p => p.Key.Item1, StringComparer.Ordinal).ThenBy(p => p.Key.Item2, StringComparer.Ordinal)
                .FirstOrDefault();
            if (best.Value < 2) yield break;
            var (left, right) = best.Key;
            foreach (var (symbols, _) in words)
                for (int i = 0; i + 1 < symbols.Count; i++)
                    if (symbols[i] == left && symbols[i + 1] == right)
                    {
                        symbols[i] = left + right;
                        symbols.RemoveAt(i + 1);
                    }
            yield return (left, right);
        }
    }

    /// <summary>Writes tokenizer.json and tokenizer_config.json into <paramref name="dir"/>; returns tokenizer.json's path.</summary>
    public static string Write(string dir, int vocab, int context)
    {
        var (tokens, merges) = Build(vocab);
        int eos = tokens.Count - 1;
        var json = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        string path = Path.Combine(dir, "tokenizer.json");
        using (var file = File.Create(path))
        using (var w = new Utf8JsonWriter(file, json))
        {
            w.WriteStartObject();
            w.WriteString("version", "1.0");
            w.WriteNull("truncation");
            w.WriteNull("padding");
            w.WriteStartArray("added_tokens");
            w.WriteStartObject();
            w.WriteNumber("id", eos);
            WriteSpecialToken(w);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteNull("normalizer");
            WriteByteLevel(w, "pre_tokenizer", addPrefixSpace: false, trimOffsets: true);
            WriteByteLevel(w, "post_processor", addPrefixSpace: true, trimOffsets: false);
            WriteByteLevel(w, "decoder", addPrefixSpace: true, trimOffsets: true);
            w.WriteStartObject("model");
            w.WriteString("type", "BPE");
            w.WriteNull("dropout");
            w.WriteNull("unk_token");
            w.WriteString("continuing_subword_prefix", "");
            w.WriteString("end_of_word_suffix", "");
            w.WriteBoolean("fuse_unk", false);
            w.WriteBoolean("byte_fallback", false);
            w.WriteBoolean("ignore_merges", false);
            w.WriteStartObject("vocab");
            for (int id = 0; id < tokens.Count; id++) w.WriteNumber(tokens[id], id);
            w.WriteEndObject();
            w.WriteStartArray("merges");   // "left right": byte-level tokens never contain a space
            foreach (var (left, right) in merges) w.WriteStringValue($"{left} {right}");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        using (var file = File.Create(Path.Combine(dir, "tokenizer_config.json")))
        using (var w = new Utf8JsonWriter(file, json))
        {
            w.WriteStartObject();
            w.WriteBoolean("add_bos_token", false);
            w.WriteBoolean("add_prefix_space", false);
            w.WriteStartObject("added_tokens_decoder");
            w.WriteStartObject(eos.ToString());
            WriteSpecialToken(w);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteString("bos_token", EndOfText);
            w.WriteBoolean("clean_up_tokenization_spaces", false);
            w.WriteString("eos_token", EndOfText);
            w.WriteNumber("model_max_length", context);
            w.WriteString("tokenizer_class", "GPT2Tokenizer");
            w.WriteString("unk_token", EndOfText);
            w.WriteEndObject();
        }
        return path;
    }

    /// <summary>&lt;|endoftext|&gt;'s added-token flags: matched as-is, never split.</summary>
    private static void WriteSpecialToken(Utf8JsonWriter w)
    {
        w.WriteString("content", EndOfText);
        w.WriteBoolean("single_word", false);
        w.WriteBoolean("lstrip", false);
        w.WriteBoolean("rstrip", false);
        w.WriteBoolean("normalized", true);
        w.WriteBoolean("special", true);
    }

    private static void WriteByteLevel(Utf8JsonWriter w, string property, bool addPrefixSpace, bool trimOffsets)
    {
        w.WriteStartObject(property);
        w.WriteString("type", "ByteLevel");
        w.WriteBoolean("add_prefix_space", addPrefixSpace);
        w.WriteBoolean("trim_offsets", trimOffsets);
        w.WriteBoolean("use_regex", true);
        w.WriteEndObject();
    }
}
