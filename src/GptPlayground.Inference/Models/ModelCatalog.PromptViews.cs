using System.Collections.Concurrent;
using GptPlayground.Tokenizers;

namespace GptPlayground.Inference.Models;

/// <summary>
/// What a prompt preview needs of a model, without its weights: its files (for the chat template), its tokenizer and
/// its context length; or why the folder cannot be used.
/// </summary>
/// <param name="Files">The folder's configs, read once; null when the folder is unusable.</param>
/// <param name="Tokenizer">The tokenizer, or null (see <paramref name="TokenizerError"/>).</param>
/// <param name="TokenizerError">Why there is no tokenizer.</param>
/// <param name="ContextLength">The model's context length, when known.</param>
/// <param name="Error">"error: ..." when the folder is unusable (as <see cref="ModelEntry.Status"/>); null when fine.</param>
public sealed record ModelPromptView(ModelFiles? Files, ITokenizer? Tokenizer, string? TokenizerError, int? ContextLength, string? Error);

/// <summary>
/// Prompt views: each model folder's files and tokenizer are read once and shared by previews and by the model when it
/// loads (a loaded model's own are used when it is loaded first), so a prompt is counted and run with one tokenizer.
/// </summary>
public sealed partial class ModelCatalog
{
    readonly ConcurrentDictionary<string, Lazy<ModelPromptView>> promptViews = new(StringComparer.Ordinal);

    /// <summary>The prompt view of <paramref name="nameOrPath"/>, read on first use and cached.</summary>
    /// <exception cref="ModelException">No such model in the catalog.</exception>
    public ModelPromptView PromptView(string nameOrPath)
    {
        var path = Resolve(nameOrPath);
        var full = System.IO.Path.GetFullPath(path);
        if (LoadedModels().FirstOrDefault(m => m.Folder.Path == full || m.Folder.OnnxFile == full) is { } live)
            return new ModelPromptView(live.Files, live.Tokenizer, live.TokenizerError, live.ContextLength, null);
        return promptViews.GetOrAdd(path, p => new Lazy<ModelPromptView>(() => ReadPromptView(p))).Value;
    }

    /// <summary>Forgets the cached prompt views (after the models folder changed).</summary>
    public void ForgetPromptViews() => promptViews.Clear();

    ModelPromptView? CachedPromptView(string path) =>
        promptViews.TryGetValue(path, out var view) && view.IsValueCreated && view.Value.Files is not null ? view.Value : null;

    static ModelPromptView ReadPromptView(string path)
    {
        if (System.IO.Directory.Exists(path) && RemoteModel.IsRemote(path))
        {
            // a remote model: its folder may hold the server model's tokenizer and chat template (for previews); else none
            try
            {
                var remote = RemoteModel.Read(path);
                var remoteFiles = ModelFiles.Read(path);
                var (remoteTokenizer, remoteError) = ModelInspector.LoadTokenizer(remoteFiles);
                return new ModelPromptView(remoteFiles, remoteTokenizer, remoteTokenizer is null ? $"{remote.Name} is remote: its tokenizer is on the server" : remoteError, remote.ContextLength, null);
            }
            catch (ModelException e) { return new ModelPromptView(null, null, null, null, "error: " + e.Message); }
        }
        ModelFolder folder;
        try { folder = ModelFolder.Open(path); }
        catch (ModelException e) { return new ModelPromptView(null, null, null, null, "error: " + e.Message); }
        var files = ModelFiles.Read(folder.Path);
        var (tokenizer, tokenizerError) = ModelInspector.LoadTokenizer(files);
        try
        {
            var card = ModelInspector.Inspect(folder, files, (tokenizer, tokenizerError));
            return new ModelPromptView(files, tokenizer, tokenizerError, card.ContextLength, null);
        }
        catch (ModelException e) { return new ModelPromptView(null, null, null, null, "error: " + e.Message); }
    }
}
