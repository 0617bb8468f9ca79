using System.Text.Json;

namespace GptPlayground.Tokenizers;

/// <summary>
/// Reads GPT-2's original tokenizer files: <c>vocab.json</c> (token → id) and <c>merges.txt</c> (one "a b" merge a
/// line, ranked by line, after an optional <c>#version</c> line), as byte-level BPE with GPT-2's pre-tokenizer.
/// "&lt;|endoftext|&gt;" and the tokens tokenizer_config.json names or declares are matched in text as added tokens,
/// as Hugging Face's <c>GPT2Tokenizer</c> does.
/// </summary>
internal static class Gpt2Files
{
    public const string EndOfText = "<|endoftext|>";

    public static TokenizerParts Read(string vocabPath, string mergesPath, string folderDisplay, ModelConfigs configs)
    {
        string vocabDisplay = $"{folderDisplay}/vocab.json", mergesDisplay = $"{folderDisplay}/merges.txt";
        using var document = JsonFile.TryRead(vocabPath, vocabDisplay) ?? throw new TokenizerException($"{vocabDisplay}: file not found");
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new TokenizerException($"{vocabDisplay}: expected an object of token → id");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in document.RootElement.EnumerateObject())
        {
            if (!entry.Value.TryGetInt32(out int id) || id < 0)
                throw new TokenizerException($"{vocabDisplay}: \"{entry.Name}\" has no non-negative integer id");
            vocab[entry.Name] = id;
        }

        var addedTokens = configs.DeclaredAddedTokens().ToList();
        foreach (var name in configs.SpecialTokenNames().Append(EndOfText).Distinct())
            if (addedTokens.All(t => t.Content != name) && vocab.TryGetValue(name, out int id))
                addedTokens.Add(new AddedToken(id, name, Special: true));

        return new TokenizerParts
        {
            Source = mergesDisplay,
            Vocab = vocab,
            Merges = ReadMerges(mergesPath, mergesDisplay),
            AddedTokens = addedTokens,
            PreTokenizer = new PreTokenizer.ByteLevel(configs.TokenizerConfig?.GetBool("add_prefix_space") ?? false, useRegex: true),
            Decoder = TokenDecoder.ByteLevel,
            Options = new BpeOptions(ByteLevel: true),
            DefaultSpecialToken = vocab.ContainsKey(EndOfText) ? EndOfText : null,
        };
    }

    static List<(string, string)> ReadMerges(string path, string display)
    {
        string text = System.Text.Encoding.UTF8.GetString(JsonFile.ReadBytes(path, display)).TrimStart('\uFEFF');
        var merges = new List<(string, string)>(50_000);
        string[] lines = text.Split('\n');   // not EnumerateLines: it also breaks at U+0085 and U+2028, which tokens may hold
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].AsSpan().TrimEnd('\r');
            if (line.IsEmpty || (i == 0 && line.StartsWith("#version"))) continue;
            int space = line.IndexOf(' ');
            if (space <= 0 || space == line.Length - 1 || line[(space + 1)..].Contains(' '))
                throw new TokenizerException($"{display}: line {i + 1} is not a merge \"a b\": \"{line}\"");
            merges.Add((line[..space].ToString(), line[(space + 1)..].ToString()));
        }
        return merges;
    }
}
