using System.Text.Json;

namespace GptPlayground.Tokenizers;

/// <summary>
/// What the JSON files beside the tokenizer (read once, <see cref="ModelFiles"/>) say about special tokens: <c>generation_config.json</c>,
/// <c>config.json</c>, <c>genai_config.json</c> (ids), <c>tokenizer_config.json</c> and <c>special_tokens_map.json</c>
/// (token names, <c>add_bos_token</c>, <c>added_tokens_decoder</c>). Every file is optional.
/// </summary>
internal sealed class ModelConfigs
{
    readonly string folderDisplay;
    // files with ids, in order of preference: (display name, the object holding *_token_id)
    readonly List<(string File, JsonElement Ids)> idSources = [];
    // files with token names, in order of preference
    readonly List<JsonElement> nameSources = [];

    ModelConfigs(string folderDisplay) => this.folderDisplay = folderDisplay;

    /// <summary><c>tokenizer_config.json</c>'s root object, if the file exists.</summary>
    public JsonElement? TokenizerConfig { get; private set; }

    /// <exception cref="TokenizerException">A file exists but cannot be read or is not valid JSON.</exception>
    public static ModelConfigs Read(ModelFiles files)
    {
        var configs = new ModelConfigs(files.Display);
        foreach (var file in new[] { "generation_config.json", "config.json", "genai_config.json" })
        {
            var root = files.TokenizerJson(file);
            var ids = file == "genai_config.json" ? root?.Get("model") : root;
            if (ids is { ValueKind: JsonValueKind.Object }) configs.idSources.Add(($"{files.Display}/{file}", ids.Value));
        }
        configs.TokenizerConfig = files.TokenizerJson("tokenizer_config.json");
        foreach (var root in new[] { configs.TokenizerConfig, files.TokenizerJson("special_tokens_map.json") })
            if (root is { ValueKind: JsonValueKind.Object } r) configs.nameSources.Add(r);
        return configs;
    }

    /// <summary>
    /// Special ids for <paramref name="parts"/>: per field the first source with a value wins. BOS: the post-processor's template,
    /// then the names in tokenizer_config.json / special_tokens_map.json, then the config files' ids (which are sometimes
    /// placeholders). EOS and PAD: the config files' ids (generation_config may list several EOS), then the names, then <see cref="TokenizerParts.DefaultSpecialToken"/>. Also returns the ids of the named tokens.
    /// </summary>
    /// <exception cref="TokenizerException">A config id is outside the vocabulary.</exception>
    public (SpecialTokenIds Special, List<int> NamedIds) Resolve(TokenizerParts parts)
    {
        int vocabSize = parts.VocabSize;
        int? Named(string field) =>
            nameSources.Select(source => TokenName(source, field)).OfType<string>().Select(parts.IdOf).FirstOrDefault(id => id is not null)
            ?? (parts.DefaultSpecialToken is { } name && field != "pad_token" ? parts.IdOf(name) : null);

        int? namedBos = Named("bos_token"), namedEos = Named("eos_token"), namedPad = Named("pad_token"), namedUnk = Named("unk_token");
        // The token the tokenizer itself prepends wins: a model config's bos_token_id is sometimes a placeholder (0).
        int? bos = parts.TemplateBos ?? namedBos ?? ConfigIds("bos_token_id", vocabSize)?[0];
        var eos = ConfigIds("eos_token_id", vocabSize) ?? (namedEos is int e ? [e] : []);
        int? pad = ConfigIds("pad_token_id", vocabSize)?[0] ?? namedPad;
        int? unk = namedUnk ?? (parts.Options.UnkToken is { } u ? parts.IdOf(u) : null);
        bool addBos = TokenizerConfig?.Get("add_bos_token") is { ValueKind: JsonValueKind.True or JsonValueKind.False } flag
            ? flag.GetBoolean()
            : parts.TemplateBos is not null;

        var named = new[] { namedBos, namedEos, namedPad, namedUnk }.OfType<int>().Distinct().ToList();
        return (new SpecialTokenIds(bos, eos, pad, unk, addBos && bos is not null), named);
    }

    /// <summary>The first config's value of <paramref name="field"/>: an id or a list of ids (null when no config has it).</summary>
    int[]? ConfigIds(string field, int vocabSize)
    {
        foreach (var (file, source) in idSources)
        {
            var ids = source.Get(field) switch
            {
                { ValueKind: JsonValueKind.Number } n => [Id(n)],
                { ValueKind: JsonValueKind.Array } list when list.GetArrayLength() > 0 => list.EnumerateArray().Select(Id).ToArray(),
                null => null,
                _ => throw new TokenizerException($"{file}: {field} must be an integer or a list of integers"),
            };
            if (ids is null) continue;
            foreach (int id in ids)
                if ((uint)id >= (uint)vocabSize)
                    throw new TokenizerException($"{file}: {field} {id} is outside the tokenizer's vocabulary (ids 0..{vocabSize - 1})");
            return ids;

            int Id(JsonElement e) => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int id)
                ? id : throw new TokenizerException($"{file}: {field} must be an integer or a list of integers");
        }
        return null;
    }

    /// <summary>A token name written as <c>"&lt;s&gt;"</c> or <c>{"content": "&lt;s&gt;", ...}</c>.</summary>
    static string? TokenName(JsonElement source, string field) =>
        source.Get(field) is { } value
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetString("content")
            : null;

    /// <summary>Added tokens declared in tokenizer_config.json's <c>added_tokens_decoder</c> (used with vocab.json files).</summary>
    public IEnumerable<AddedToken> DeclaredAddedTokens()
    {
        if (TokenizerConfig?.Get("added_tokens_decoder") is not { ValueKind: JsonValueKind.Object } declared) yield break;
        foreach (var entry in declared.EnumerateObject())
        {
            if (int.TryParse(entry.Name, out int id) && id >= 0 && entry.Value.GetString("content") is { } content)
                yield return AddedToken.FromJson(id, content, entry.Value);
        }
    }

    /// <summary>The token names tokenizer_config.json / special_tokens_map.json give for BOS, EOS, UNK and PAD.</summary>
    public IEnumerable<string> SpecialTokenNames() =>
        from source in nameSources
        from field in new[] { "bos_token", "eos_token", "unk_token", "pad_token" }
        select TokenName(source, field) into name
        where name is not null
        select name;
}
