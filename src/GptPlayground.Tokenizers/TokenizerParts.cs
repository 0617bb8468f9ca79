namespace GptPlayground.Tokenizers;

/// <summary>
/// What a tokenizer file says, before the special-token configs are read: vocabulary, merges, added tokens and
/// the pipeline pieces. <see cref="TokenizerJson"/> and <see cref="Gpt2Files"/> produce it; <see cref="Build"/> assembles it.
/// </summary>
internal sealed record TokenizerParts
{
    /// <summary>The file the parts come from, as shown in messages ("models/gpt2/tokenizer.json").</summary>
    public required string Source { get; init; }
    public required Dictionary<string, int> Vocab { get; init; }
    public required IReadOnlyList<(string Left, string Right)> Merges { get; init; }
    public required IReadOnlyList<AddedToken> AddedTokens { get; init; }
    public required BpeOptions Options { get; init; }
    public required TokenDecoder Decoder { get; init; }
    public Normalizer? Normalizer { get; init; }
    public PreTokenizer? PreTokenizer { get; init; }

    /// <summary>The id the post-processor puts before every sequence (TemplateProcessing "&lt;s&gt; $A"), if any.</summary>
    public int? TemplateBos { get; init; }

    /// <summary>The token that stands for BOS, EOS and UNK when no config names one (GPT-2's "&lt;|endoftext|&gt;").</summary>
    public string? DefaultSpecialToken { get; init; }

    /// <summary>Largest id of the vocabulary and the added tokens, plus one.</summary>
    public int VocabSize => Math.Max(Vocab.Count == 0 ? 0 : Vocab.Values.Max() + 1,
        AddedTokens.Count == 0 ? 0 : AddedTokens.Max(t => t.Id) + 1);

    /// <summary>The id of a token written as text: an added token first, then the vocabulary.</summary>
    public int? IdOf(string token)
    {
        foreach (var added in AddedTokens)
            if (added.Content == token) return added.Id;
        return Vocab.TryGetValue(token, out int id) ? id : null;
    }

    /// <summary>Assembles the tokenizer.</summary>
    /// <param name="special">Special ids from the configs.</param>
    /// <param name="namedSpecialIds">Ids of tokens the configs name (bos_token, ...), skipped like added special tokens.</param>
    /// <param name="modelFactory">Makes the BPE model from the parts (default: <see cref="BpeModel"/> on Microsoft.ML.Tokenizers);
    /// the tests pass the former hand-written model here to compare the two.</param>
    /// <exception cref="TokenizerException">A merge refers to a token that is not in the vocabulary.</exception>
    public ITokenizer Build(SpecialTokenIds special, IEnumerable<int> namedSpecialIds, Func<TokenizerParts, IBpeModel>? modelFactory = null)
    {
        for (int rank = 0; rank < Merges.Count; rank++)
        {
            var (left, right) = Merges[rank];
            if (!Vocab.ContainsKey(left) || !Vocab.ContainsKey(right) || !Vocab.ContainsKey(left + right))
                throw new TokenizerException(
                    $"{Source}: merge {rank + 1} \"{left} {right}\" uses or makes a token that is not in the vocabulary");
        }

        var texts = new string?[VocabSize];
        foreach (var (token, id) in Vocab)
        {
            if (id < 0) throw new TokenizerException($"{Source}: token \"{token}\" has a negative id ({id})");
            texts[id] = token;
        }
        foreach (var added in AddedTokens) texts[added.Id] = added.Content;

        var model = modelFactory?.Invoke(this) ?? new BpeModel(Vocab, Merges, Options);
        var table = new TokenTable(texts, AddedTokens, namedSpecialIds, Decoder);
        return new BpeTokenizer(model, table, AddedTokens, Normalizer, PreTokenizer, special);
    }
}
