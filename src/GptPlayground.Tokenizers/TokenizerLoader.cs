namespace GptPlayground.Tokenizers;

/// <summary>Loads the tokenizer of a model folder.</summary>
public static class TokenizerLoader
{
    /// <summary>
    /// Loads the tokenizer in <paramref name="modelDirectory"/>, from the first of:
    /// <list type="number">
    /// <item><c>tokenizer.json</c> (Hugging Face tokenizers) with a BPE model: GPT-2-style byte-level BPE or
    /// Llama-style SentencePiece BPE with byte fallback;</item>
    /// <item><c>vocab.json</c> + <c>merges.txt</c> (GPT-2's files), as byte-level BPE.</item>
    /// </list>
    /// Special token ids come from <c>generation_config.json</c>, <c>config.json</c>, <c>genai_config.json</c>,
    /// <c>tokenizer_config.json</c> and <c>special_tokens_map.json</c> when present (see <see cref="SpecialTokenIds"/>).
    /// </summary>
    /// <param name="modelDirectory">The model folder, e.g. "models/gpt2".</param>
    /// <returns>A thread-safe tokenizer.</returns>
    /// <exception cref="ArgumentException"><paramref name="modelDirectory"/> is null or empty.</exception>
    /// <exception cref="TokenizerException">The folder or its tokenizer files are missing, a file is not valid JSON
    /// (the message gives the line and byte), or the tokenizer uses something not supported here (WordPiece or
    /// Unigram models, other pre-tokenizers, normalizers or decoders): the message names the file and the piece.</exception>
    public static ITokenizer Load(string modelDirectory) => LoadWith(modelDirectory, modelFactory: null);

    /// <summary><see cref="Load(string)"/> from a folder's files already read (the model loader shares them with the engine).</summary>
    /// <exception cref="TokenizerException">As <see cref="Load(string)"/>.</exception>
    public static ITokenizer Load(ModelFiles files) => LoadWith(files.Directory, modelFactory: null, files);

    /// <summary><see cref="Load(string)"/> with another BPE model (the tests' reference implementation).</summary>
    internal static ITokenizer LoadWith(string modelDirectory, Func<TokenizerParts, IBpeModel>? modelFactory, ModelFiles? files = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        files ??= ModelFiles.Read(modelDirectory);   // a missing folder has no files
        string display = files.Display;
        if (!Directory.Exists(modelDirectory)) throw new TokenizerException($"{display}: folder not found");

        string tokenizerJson = Path.Combine(modelDirectory, "tokenizer.json");
        string vocabJson = Path.Combine(modelDirectory, "vocab.json");
        string mergesTxt = Path.Combine(modelDirectory, "merges.txt");
        bool haveJson = File.Exists(tokenizerJson), haveGpt2 = File.Exists(vocabJson) && File.Exists(mergesTxt);
        if (!haveJson && !haveGpt2) throw new TokenizerException($"{display}: no tokenizer.json or vocab.json+merges.txt found");

        var configs = ModelConfigs.Read(files);
        var parts = haveJson
            ? TokenizerJson.Read(tokenizerJson, $"{display}/tokenizer.json")
            : Gpt2Files.Read(vocabJson, mergesTxt, display, configs);
        var (special, namedIds) = configs.Resolve(parts);
        return parts.Build(special, namedIds, modelFactory);
    }
}
