using System.Text.Json;
using System.Text.RegularExpressions;

namespace GptPlayground.Tokenizers;

/// <summary>
/// Reads a Hugging Face <c>tokenizer.json</c> with a BPE model: GPT-2-style byte-level BPE (ByteLevel /
/// Split pre-tokenizers, ByteLevel decoder) and Llama-style SentencePiece BPE (Prepend + Replace normalizer or a
/// Metaspace pre-tokenizer, <c>byte_fallback</c>, Replace/ByteFallback/Fuse/Strip decoder).
/// Anything else throws a <see cref="TokenizerException"/> naming the file and the unsupported piece.
/// </summary>
internal static class TokenizerJson
{
    public static TokenizerParts Read(string path, string display)
    {
        using var document = JsonFile.TryRead(path, display) ?? throw new TokenizerException($"{display}: file not found");
        var root = document.RootElement;
        var model = root.Get("model") ?? throw new TokenizerException($"{display}: no \"model\" object");
        string type = model.GetString("type") ?? (model.Get("merges") is not null ? "BPE" : "(missing)");
        if (type != "BPE")
            throw new TokenizerException($"{display}: model.type \"{type}\" is not supported (only \"BPE\" is)");
        foreach (var affix in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
            if (model.GetString(affix) is { Length: > 0 } value)
                throw new TokenizerException($"{display}: model.{affix} \"{value}\" is not supported");

        var reader = new Reader(display);
        var preTokenizer = root.Get("pre_tokenizer") is { } p ? reader.PreTokenizer(p) : null;
        var normalizer = root.Get("normalizer") is { } n ? reader.Normalizer(n) : null;
        var vocab = reader.Vocab(model);
        var added = reader.AddedTokens(root);
        return new TokenizerParts
        {
            Source = display,
            Vocab = vocab,
            Merges = reader.Merges(model),
            AddedTokens = added,
            Normalizer = normalizer,
            PreTokenizer = preTokenizer,
            Decoder = root.Get("decoder") is { } d ? reader.Decoder(d) : reader.ByteLevel ? TokenDecoder.ByteLevel : TokenDecoder.Plain,
            Options = new BpeOptions(reader.ByteLevel, model.GetBool("byte_fallback"), model.GetString("unk_token"),
                model.GetBool("fuse_unk"), model.GetBool("ignore_merges")),
            TemplateBos = root.Get("post_processor") is { } post ? TemplateBos(post) : null,
        };
    }

    /// <summary>The special token a TemplateProcessing post-processor puts first in a single sequence, if any.</summary>
    static int? TemplateBos(JsonElement post)
    {
        if (post.GetString("type") == "Sequence" && post.Get("processors") is { ValueKind: JsonValueKind.Array } list)
            return list.EnumerateArray().Select(TemplateBos).FirstOrDefault(id => id is not null);
        if (post.GetString("type") != "TemplateProcessing" || post.Get("single") is not { ValueKind: JsonValueKind.Array } single
            || single.GetArrayLength() == 0 || single[0].Get("SpecialToken")?.GetString("id") is not { } name)
            return null;
        var ids = post.Get("special_tokens")?.Get(name)?.Get("ids");
        return ids is { ValueKind: JsonValueKind.Array } a && a.GetArrayLength() > 0 && a[0].TryGetInt32(out int id) ? id : null;
    }

    /// <summary>Reads the pieces of one file; remembers whether a ByteLevel pre-tokenizer was seen.</summary>
    sealed class Reader(string display)
    {
        public bool ByteLevel { get; private set; }

        TokenizerException Unsupported(string what) => new($"{display}: {what} is not supported");

        public Dictionary<string, int> Vocab(JsonElement model)
        {
            if (model.Get("vocab") is not { ValueKind: JsonValueKind.Object } vocab)
                throw new TokenizerException($"{display}: model.vocab is missing or not an object");
            var result = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var entry in vocab.EnumerateObject())
            {
                if (!entry.Value.TryGetInt32(out int id) || id < 0)
                    throw new TokenizerException($"{display}: model.vocab[\"{entry.Name}\"] is not a non-negative integer id");
                result[entry.Name] = id;
            }
            return result;
        }

        public List<(string, string)> Merges(JsonElement model)
        {
            var result = new List<(string, string)>();
            if (model.Get("merges") is not { ValueKind: JsonValueKind.Array } merges) return result;
            int index = 0;
            foreach (var merge in merges.EnumerateArray())
            {
                // "a b" (older files) or ["a", "b"] (tokenizers >= 0.20, which allows spaces inside tokens)
                string[]? pair = merge.ValueKind switch
                {
                    JsonValueKind.String => merge.GetString()!.Split(' '),
                    JsonValueKind.Array => merge.EnumerateArray().Select(e => e.GetString() ?? "").ToArray(),
                    _ => null,
                };
                if (pair is not [var left, var right])
                    throw new TokenizerException($"{display}: model.merges[{index}] is not a pair of tokens (\"a b\" or [\"a\", \"b\"])");
                result.Add((left, right));
                index++;
            }
            return result;
        }

        public List<AddedToken> AddedTokens(JsonElement root)
        {
            var result = new List<AddedToken>();
            if (root.Get("added_tokens") is not { ValueKind: JsonValueKind.Array } list) return result;
            foreach (var t in list.EnumerateArray())
            {
                if (t.GetInt("id") is not (int id and >= 0) || t.GetString("content") is not { } content)
                    throw new TokenizerException($"{display}: added_tokens has an entry without a valid \"id\" and \"content\"");
                result.Add(AddedToken.FromJson(id, content, t));
            }
            return result;
        }

        public Normalizer Normalizer(JsonElement n)
        {
            string type = n.GetString("type") ?? "(missing)";
            return type switch
            {
                "Sequence" => new Normalizer.Sequence(Items(n, "normalizers").Select(Normalizer).ToList()),
                "Prepend" => new Normalizer.Prepend(n.GetString("prepend") ?? ""),
                "Replace" => ReplaceNormalizer(n),
                "NFC" => new Normalizer.Unicode(System.Text.NormalizationForm.FormC),
                "NFD" => new Normalizer.Unicode(System.Text.NormalizationForm.FormD),
                "NFKC" => new Normalizer.Unicode(System.Text.NormalizationForm.FormKC),
                "NFKD" => new Normalizer.Unicode(System.Text.NormalizationForm.FormKD),
                "Lowercase" => new Normalizer.Lowercase(),
                _ => throw Unsupported($"normalizer \"{type}\""),
            };
        }

        Normalizer ReplaceNormalizer(JsonElement n)
        {
            var (text, regex) = Pattern(n, "normalizer Replace");
            return new Normalizer.Replace(text, regex, n.GetString("content") ?? "");
        }

        public PreTokenizer PreTokenizer(JsonElement p)
        {
            string type = p.GetString("type") ?? "(missing)";
            if (type != "Sequence" && ByteLevel)
                throw Unsupported($"pre_tokenizer \"{type}\" after ByteLevel");   // it would see byte-level characters
            switch (type)
            {
                case "Sequence":
                    return new PreTokenizer.Sequence(Items(p, "pretokenizers").Select(PreTokenizer).ToList());
                case "ByteLevel":
                    ByteLevel = true;
                    return new PreTokenizer.ByteLevel(p.GetBool("add_prefix_space", fallback: true), p.GetBool("use_regex", fallback: true));
                case "Split":
                    string behavior = p.GetString("behavior") ?? "(missing)";
                    if (behavior is not ("Isolated" or "Removed")) throw Unsupported($"pre_tokenizer Split behavior \"{behavior}\"");
                    if (p.GetBool("invert")) throw Unsupported("pre_tokenizer Split with invert: true");
                    if (behavior == "Isolated" && p.Get("pattern")?.GetString("Regex") == Gpt2Split.Pattern)
                        return new PreTokenizer.Gpt2Regex();   // exact and faster than the .NET regex (see Gpt2Split)
                    var (text, regex) = Pattern(p, "pre_tokenizer Split");
                    return new PreTokenizer.RegexSplit(regex ?? new Regex(Regex.Escape(text!), RegexOptions.CultureInvariant), behavior == "Removed");
                case "Metaspace":
                    var (replacement, prepend, firstOnly) = MetaspaceSettings(p);
                    return new PreTokenizer.Metaspace(replacement, prepend, firstOnly, p.GetBool("split", fallback: true));
                default:
                    throw Unsupported($"pre_tokenizer \"{type}\"");
            }
        }

        public TokenDecoder Decoder(JsonElement d)
        {
            var steps = new List<TokenDecoder.Step>();
            bool fused = false;
            int stripLeading = 0;
            char? firstTokenDrops = null;
            var items = d.GetString("type") == "Sequence" ? Items(d, "decoders") : [d];
            foreach (var item in items)
            {
                string type = item.GetString("type") ?? "(missing)";
                switch (type)
                {
                    case "ByteLevel": steps.Add(new TokenDecoder.ByteLevelStep()); break;
                    case "ByteFallback": steps.Add(new TokenDecoder.ByteFallbackStep()); break;
                    case "Fuse": fused = true; break;
                    case "Replace":
                        var (from, regex) = Pattern(item, "decoder Replace");
                        if (regex is not null) throw Unsupported("decoder Replace with a Regex pattern");
                        steps.Add(new TokenDecoder.ReplaceStep(from!, item.GetString("content") ?? ""));
                        break;
                    case "Strip":
                        char content = item.GetString("content") is [char c] ? c : ' ';
                        int start = item.GetInt("start") ?? 0, stop = item.GetInt("stop") ?? 0;
                        if (!fused) steps.Add(new TokenDecoder.StripEachStep(content, start, stop));
                        else if (content == ' ' && stop == 0) stripLeading = start;
                        else throw Unsupported($"decoder Strip(\"{content}\", {start}, {stop}) after Fuse");
                        break;
                    case "Metaspace":
                        var (replacement, prepend, _) = MetaspaceSettings(item);
                        steps.Add(new TokenDecoder.MetaspaceStep(replacement));
                        if (prepend) firstTokenDrops = replacement;
                        break;
                    default:
                        throw Unsupported($"decoder \"{type}\"");
                }
            }
            return new TokenDecoder(steps, stripLeading, firstTokenDrops);
        }

        /// <summary>Metaspace's replacement and prepend scheme (<c>prepend_scheme</c>, or the older <c>add_prefix_space</c>).</summary>
        (char Replacement, bool Prepend, bool FirstOnly) MetaspaceSettings(JsonElement m)
        {
            char replacement = m.GetString("replacement") is [char c] ? c : BpeModel.Metaspace;
            string scheme = m.GetString("prepend_scheme") ?? (m.GetBool("add_prefix_space", fallback: true) ? "always" : "never");
            return scheme switch
            {
                "always" => (replacement, true, false),
                "first" => (replacement, true, true),
                "never" => (replacement, false, false),
                _ => throw Unsupported($"Metaspace prepend_scheme \"{scheme}\""),
            };
        }

        /// <summary>A <c>pattern</c> of <c>{"String": ...}</c> (text) or <c>{"Regex": ...}</c> (compiled .NET regex).</summary>
        (string? Text, Regex? Regex) Pattern(JsonElement e, string owner)
        {
            var pattern = e.Get("pattern");
            if (pattern?.GetString("String") is { } text) return (text, null);
            if (pattern?.GetString("Regex") is not { } source) throw Unsupported($"{owner} without a String or Regex pattern");
            try
            {
                return (null, new Regex(source, RegexOptions.Compiled | RegexOptions.CultureInvariant));
            }
            catch (ArgumentException ex)
            {
                throw new TokenizerException($"{display}: {owner} regex \"{source}\" is not supported by .NET regular expressions: {ex.Message}", ex);
            }
        }

        IEnumerable<JsonElement> Items(JsonElement e, string name) =>
            e.Get(name) is { ValueKind: JsonValueKind.Array } list
                ? list.EnumerateArray().ToList()
                : throw new TokenizerException($"{display}: {e.GetString("type")} without a \"{name}\" array");
    }
}
