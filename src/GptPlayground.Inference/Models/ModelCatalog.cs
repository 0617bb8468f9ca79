using System.Collections.Concurrent;
using System.Text.Json;
using GptPlayground.Inference.Runtime;
using GptPlayground.Onnx;

namespace GptPlayground.Inference.Models;

/// <summary>A folder of <c>models/</c> as listed: its card when the folder is usable, else the reason.</summary>
/// <param name="Name">Folder name.</param>
/// <param name="Path">Full path.</param>
/// <param name="Status">"ok", or "error: &lt;reason&gt;".</param>
/// <param name="Card">The card when <paramref name="Status"/> is ok.</param>
/// <param name="Loaded">Whether the model is loaded in this process.</param>
public sealed record ModelEntry(string Name, string Path, string Status, ModelCard? Card, bool Loaded)
{
    /// <summary>True when the folder can be loaded.</summary>
    public bool IsOk => Status == "ok";

    /// <summary>The endpoint, when the folder describes a remote model (<see cref="RemoteModel"/>); null for a local one.</summary>
    public RemoteModel? Remote { get; init; }
}

/// <summary>
/// The models of one <c>models/</c> directory, each loaded at most once per provider and shared by
/// every caller: two sessions asking for the same model at the same time get the same instance and
/// the model loads once. A failed load is not cached, so fixing the folder and asking again works.
/// </summary>
public sealed partial class ModelCatalog : IDisposable
{
    readonly ConcurrentDictionary<(string Path, ExecutionProvider Provider), Lazy<Task<LanguageModel>>> loaded = new();

    /// <summary>Creates a catalog over <paramref name="directory"/> (which need not exist yet).</summary>
    public ModelCatalog(string directory, ExecutionProvider defaultProvider = ExecutionProvider.Cpu)
    {
        Directory = System.IO.Path.GetFullPath(directory);
        DefaultProvider = defaultProvider;
    }

    /// <summary>The models directory.</summary>
    public string Directory { get; }

    /// <summary>Provider used when a caller does not name one.</summary>
    public ExecutionProvider DefaultProvider { get; }

    /// <summary>
    /// Whether <see cref="Resolve"/> accepts paths to model folders outside <see cref="Directory"/> (default true: a CLI
    /// convenience). The web app sets it to false: a notebook, which anyone may share, then names models of this catalog
    /// only, and an unknown name gets the same answer whether or not such a path exists on the server.
    /// </summary>
    public bool AllowPaths { get; init; } = true;

    /// <summary>Every sub-folder with its card or the reason it cannot be used, sorted by name.</summary>
    public IReadOnlyList<ModelEntry> List()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        return System.IO.Directory.GetDirectories(Directory)
            .Where(d => !System.IO.Path.GetFileName(d).StartsWith('.'))
            .OrderBy(d => d, StringComparer.Ordinal)
            .Select(Inspect).ToList();
    }

    /// <summary>Folder name of the model the project trains and ships (models/playground-mini).</summary>
    public const string EmbeddedModelName = "playground-mini";

    /// <summary>
    /// The model a configuration names as the default (<c>Playground:DefaultModel</c> for <c>serve</c>, the environment
    /// variable <c>Playground__DefaultModel</c> for every verb); null when none does. <see cref="DefaultModel"/> takes it when it
    /// is a usable model of this catalog, and otherwise goes on with its own order.
    /// </summary>
    public string? ConfiguredDefault { get; init; }

    /// <summary>
    /// The model to use when the user names none: the one rule every front end follows (the CLI verbs without
    /// <c>--model</c>, the notebook editor's "(default)" model and the share view, the HTTP API's model list, which
    /// names it first). In order, the first usable model of this catalog among:
    /// <list type="number">
    /// <item><paramref name="preferred"/> (a notebook's own model, a flag);</item>
    /// <item><see cref="ConfiguredDefault"/>;</item>
    /// <item>a trained model other than the embedded <see cref="EmbeddedModelName"/> (a user's own model wins), by name;</item>
    /// <item>the embedded <see cref="EmbeddedModelName"/>;</item>
    /// <item>a synthetic model (random weights from <c>synth-model</c>, <see cref="IsSynthetic"/>), which never wins over a
    /// trained one, again a user's own before one named like the embedded.</item>
    /// </list>
    /// Null when no folder is usable.
    /// </summary>
    public string? DefaultModel(string? preferred = null)
    {
        var usable = List().Where(e => e.IsOk).ToList();
        foreach (var named in new[] { preferred, ConfiguredDefault })
            if (named is not null && usable.Any(e => e.Name == named)) return named;
        return usable
            .OrderBy(e => IsSynthetic(e.Path))                  // stable: within each group the folders stay sorted by name
            .ThenBy(e => e.Name == EmbeddedModelName)
            .Select(e => e.Name).FirstOrDefault();
    }

    /// <summary>Whether the model folder at <paramref name="folder"/> holds random weights written by <c>synth-model</c> (<see cref="SynthGpt.MarkerKey"/> in its config.json).</summary>
    public static bool IsSynthetic(string folder)
    {
        var config = System.IO.Path.Combine(folder, "config.json");
        if (!File.Exists(config)) return false;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(config));
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(SynthGpt.MarkerKey, out _);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return false;   // List() reports an unreadable config where it matters; here it only means "not marked"
        }
    }

    /// <summary>Reads a model folder's card without loading it into ONNX Runtime (or from the loaded instance).</summary>
    public ModelEntry Inspect(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var name = System.IO.Path.GetFileName(full);
        var live = LoadedModels().FirstOrDefault(m => m.Folder.Path == full);
        if (live is not null) return new ModelEntry(name, full, "ok", live.Card, true);
        try
        {
            if (RemoteModel.IsRemote(full))
            {
                var remote = RemoteModel.Read(full);
                return new ModelEntry(name, full, "ok", remote.Card(full), false) { Remote = remote };
            }
            return new ModelEntry(name, full, "ok", ModelInspector.Inspect(full), false);
        }
        catch (ModelException e)
        {
            return new ModelEntry(name, full, "error: " + e.Message, null, false);
        }
    }

    /// <summary>Resolves a model name (a folder of this catalog) or a path to a model folder or .onnx file.</summary>
    /// <exception cref="ModelException">No such model; the message lists the models there are.</exception>
    public string Resolve(string nameOrPath)
    {
        if (!AllowPaths) return ResolveName(nameOrPath);
        if (string.IsNullOrWhiteSpace(nameOrPath)) throw new ModelException("no model given: name a folder of " + Directory);
        var inCatalog = System.IO.Path.Combine(Directory, nameOrPath);
        if (!nameOrPath.Contains('/') && !nameOrPath.Contains('\\') && System.IO.Directory.Exists(inCatalog)) return inCatalog;
        if (System.IO.Directory.Exists(nameOrPath) || File.Exists(nameOrPath)) return System.IO.Path.GetFullPath(nameOrPath);
        var names = System.IO.Directory.Exists(Directory) ? System.IO.Directory.GetDirectories(Directory).Select(System.IO.Path.GetFileName).Order().ToList() : [];
        throw new ModelException($"unknown model '{nameOrPath}': {(names.Count == 0 ? $"{Directory} has no models" : $"{Directory} has {string.Join(", ", names)}")} (or give a path to a model folder)");
    }

    string ResolveName(string name)
    {
        var names = System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.GetDirectories(Directory).Select(System.IO.Path.GetFileName).OfType<string>().Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal).ToList()
            : [];
        bool plain = !string.IsNullOrWhiteSpace(name) && !name.StartsWith('.') && name.IndexOfAny(['/', '\\', ':']) < 0;
        if (plain && names.Contains(name, StringComparer.Ordinal)) return System.IO.Path.Combine(Directory, name);
        // a key this method returned before (callers resolve once and pass the path on)
        if (System.IO.Path.IsPathFullyQualified(name) && System.IO.Path.GetDirectoryName(name) == Directory && names.Contains(System.IO.Path.GetFileName(name), StringComparer.Ordinal))
            return name;
        var folder = System.IO.Path.GetFileName(Directory) + "/";
        throw new ModelException(string.IsNullOrWhiteSpace(name)
            ? $"no model given: name a folder of {folder}"
            : $"unknown model '{name}': {(names.Count == 0 ? $"{folder} has no models" : $"{folder} has {string.Join(", ", names)}")} (a notebook names a model folder of {folder}; paths work in the CLI only)");
    }

    /// <summary>The endpoint of a remote model (a folder with <c>remote.json</c>); null for a local model.</summary>
    /// <exception cref="ModelException">No such model, or its remote.json is unusable.</exception>
    public RemoteModel? Remote(string nameOrPath)
    {
        var path = Resolve(nameOrPath);
        return System.IO.Directory.Exists(path) && RemoteModel.IsRemote(path) ? RemoteModel.Read(path) : null;
    }

    /// <summary>Returns the loaded model, loading it on first use (once, whoever asks concurrently).</summary>
    /// <exception cref="ModelException">The model is unknown or cannot be loaded, or it is a remote model (it runs on its server).</exception>
    public Task<LanguageModel> GetAsync(string nameOrPath, ExecutionProvider? provider = null)
    {
        if (Remote(nameOrPath) is { } remote)
            throw new ModelException($"{remote.Name} is a remote model ({remote.Where}): it runs on its server, not in this process");
        var key = (Resolve(nameOrPath), provider ?? DefaultProvider);
        var lazy = loaded.GetOrAdd(key, k => new Lazy<Task<LanguageModel>>(() => Task.Run(() => LanguageModel.Load(k.Path, k.Provider, CachedPromptView(k.Path)))));
        return Await(key, lazy);
    }

    async Task<LanguageModel> Await((string, ExecutionProvider) key, Lazy<Task<LanguageModel>> lazy)
    {
        try
        {
            return await lazy.Value.ConfigureAwait(false);
        }
        catch
        {
            loaded.TryRemove(new KeyValuePair<(string, ExecutionProvider), Lazy<Task<LanguageModel>>>(key, lazy));   // retry on the next call
            throw;
        }
    }

    /// <summary>The models loaded so far.</summary>
    public IEnumerable<LanguageModel> LoadedModels() =>
        loaded.Values.Where(l => l.IsValueCreated && l.Value.IsCompletedSuccessfully).Select(l => l.Value.Result);

    /// <summary>Unloads a model (all providers). Callers must not be generating on it: see <see cref="TryUnload"/>.</summary>
    /// <returns>True if it was loaded.</returns>
    public bool Unload(string nameOrPath)
    {
        var path = Resolve(nameOrPath);
        bool any = false;
        foreach (var key in loaded.Keys.Where(k => k.Path == path).ToList())
            if (loaded.TryRemove(key, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            {
                lazy.Value.Result.Dispose();
                any = true;
            }
        return any;
    }

    public void Dispose()
    {
        foreach (var model in LoadedModels()) model.Dispose();
        loaded.Clear();
    }
}
