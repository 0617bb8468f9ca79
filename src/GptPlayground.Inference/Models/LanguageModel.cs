using GptPlayground.Inference.Runtime;
using GptPlayground.Onnx;
using GptPlayground.Tokenizers;
using Microsoft.ML.OnnxRuntime;

namespace GptPlayground.Inference.Models;

/// <summary>
/// A decoder model loaded into ONNX Runtime: its session, discovered I/O layout, tokenizer and card.
/// Thread-safe: any number of decode loops (<c>Generation.Generator</c>) may run on one model at once (each owns its
/// KV cache and I/O binding). Load through <see cref="ModelCatalog"/> so that each model is loaded once.
/// </summary>
public sealed class LanguageModel : IDisposable
{
    internal InferenceSession Session { get; }
    /// <summary>Where present KV tensors are kept between steps (device memory on CUDA).</summary>
    internal OrtMemoryInfo CacheMemory { get; }

    public ModelFolder Folder { get; }
    /// <summary>The folder's configs, read once (the chat-template code reads the template from here).</summary>
    public ModelFiles Files { get; }
    public ModelConfig Config { get; }
    public DecoderLayout Layout { get; }
    public ModelCard Card { get; }
    public ProviderChoice Provider { get; }
    /// <summary>The tokenizer, or null when the folder has none (then only token ids can be fed).</summary>
    public ITokenizer? Tokenizer { get; }
    /// <summary>Why <see cref="Tokenizer"/> is null.</summary>
    public string? TokenizerError { get; }
    /// <summary>End-of-sequence ids from the configs and the tokenizer.</summary>
    public IReadOnlyList<int> EosTokenIds { get; }
    /// <summary>Id used to fill left padding and finished sequences.</summary>
    public int PadTokenId { get; }
    /// <summary>Maximum prompt + generated tokens, when the configs state it.</summary>
    public int? ContextLength => Layout.Shape.ContextLength;

    LanguageModel(ModelFolder folder, ModelFiles files, ModelConfig config, (ITokenizer?, string?) tokenizer, InferenceSession session, ProviderChoice provider, OrtMemoryInfo cacheMemory)
    {
        Folder = folder; Files = files; Config = config; Session = session; Provider = provider; CacheMemory = cacheMemory;
        Layout = DecoderLayout.Discover(TensorSignature.From(session.InputMetadata), TensorSignature.From(session.OutputMetadata), config, folder.Name);
        (Tokenizer, TokenizerError) = tokenizer;
        EosTokenIds = config.EosTokenIds.Concat(Tokenizer?.Special.Eos ?? []).Distinct().ToArray();
        PadTokenId = config.PadTokenId ?? Tokenizer?.Special.Pad ?? (EosTokenIds.Count > 0 ? EosTokenIds[0] : 0);
        OnnxModelInfo? info = null;
        try { info = ModelInspector.ReadInfo(folder); } catch (ModelException) { }   // the card shows "?" for what it could not read
        Card = ModelInspector.Card(folder, Layout, info, Tokenizer, TokenizerError) with { Provider = provider.Name, ProviderReason = provider.Reason };
    }

    /// <summary>Loads a model folder (or a single .onnx file) on the given provider.</summary>
    /// <exception cref="ModelException">The folder, a config, the graph or its layout is unusable; the message says which and why.</exception>
    public static LanguageModel Load(string path, ExecutionProvider provider = ExecutionProvider.Cpu) => Load(path, provider, view: null);

    /// <summary><see cref="Load(string, ExecutionProvider)"/> with the files and tokenizer a prompt preview already read (the catalog shares them).</summary>
    internal static LanguageModel Load(string path, ExecutionProvider provider, ModelPromptView? view)
    {
        var folder = ModelFolder.Open(path);
        var files = view?.Files ?? ModelFiles.Read(folder.Path);
        var tokenizer = view?.Files is not null ? (view.Tokenizer, view.TokenizerError) : ModelInspector.LoadTokenizer(files);
        var config = ModelConfig.From(files);
        var (session, choice, memory) = SessionFactory.Create(folder.OnnxFile, provider, folder.Name);
        try
        {
            return new LanguageModel(folder, files, config, tokenizer, session, choice, memory);
        }
        catch
        {
            session.Dispose();   // partial creation: the session is ours until the model exists
            throw;
        }
    }

    /// <summary>Encodes a prompt with the model's tokenizer.</summary>
    /// <exception cref="ModelException">The model has no tokenizer.</exception>
    public int[] Encode(string text) =>
        (Tokenizer ?? throw new ModelException($"{Folder.Name}: cannot encode text: {TokenizerError} (feed token ids instead, e.g. --prompt-ids)")).Encode(text);

    /// <summary>Throws unless every id is a valid input of this model.</summary>
    /// <exception cref="ModelException">An id is negative or not below the model's vocabulary size.</exception>
    public void CheckTokenIds(ReadOnlySpan<int> ids)
    {
        foreach (var id in ids)
            if ((uint)id >= (uint)Layout.VocabSize)
                throw new ModelException($"{Folder.Name}: token id {id} is out of range: the model's vocabulary has {Layout.VocabSize} ids (0..{Layout.VocabSize - 1})");
    }

    /// <summary>Releases the session. Callers must have finished their generators.</summary>
    public void Dispose() => Session.Dispose();
}
