using System.Text.Json;

namespace GptPlayground.Tokenizers;

/// <summary>
/// The small files of a model folder, read once for everything above: <c>config.json</c>, <c>generation_config.json</c>,
/// <c>genai_config.json</c>, <c>tokenizer_config.json</c>, <c>special_tokens_map.json</c> and <c>chat_template.jinja</c>.
/// The tokenizer (special tokens), the engine (<c>ModelConfig</c>: shape, ids, decoding defaults) and the chat-template
/// code (template, BOS/EOS text) all read them from here. Every file is optional; a file that cannot be read keeps its
/// error, which is raised by whoever asks for it (so a broken file fails the part that needs it, as before).
/// </summary>
public sealed class ModelFiles
{
    /// <summary>The JSON configs a model folder may have.</summary>
    public static readonly IReadOnlyList<string> JsonNames =
        ["config.json", "generation_config.json", "genai_config.json", "tokenizer_config.json", "special_tokens_map.json"];

    /// <summary>The Jinja chat template file some folders have instead of tokenizer_config.json's chat_template.</summary>
    public const string ChatTemplateFile = "chat_template.jinja";

    readonly Dictionary<string, byte[]> contents = new(StringComparer.Ordinal);
    readonly Dictionary<string, Exception> readErrors = new(StringComparer.Ordinal);

    ModelFiles(string directory)
    {
        Directory = directory;
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        string name = Path.GetFileName(full);
        string? parent = Path.GetFileName(Path.GetDirectoryName(full));
        Display = string.IsNullOrEmpty(parent) ? name : $"{parent}/{name}";
    }

    /// <summary>The model folder.</summary>
    public string Directory { get; }

    /// <summary>How messages name the folder: its parent and its own name ("models/phi3").</summary>
    public string Display { get; }

    /// <summary>Reads the files present in <paramref name="directory"/> (a missing folder gives no files).</summary>
    public static ModelFiles Read(string directory)
    {
        var files = new ModelFiles(directory);
        foreach (var name in JsonNames.Append(ChatTemplateFile))
        {
            var path = Path.Combine(directory, name);
            if (!File.Exists(path)) continue;
            try { files.contents[name] = File.ReadAllBytes(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { files.readErrors[name] = e; }
        }
        return files;
    }

    /// <summary>True when the folder has <paramref name="file"/>.</summary>
    public bool Has(string file) => contents.ContainsKey(file) || readErrors.ContainsKey(file);

    /// <summary>The full path of <paramref name="file"/> in the folder.</summary>
    public string PathOf(string file) => Path.Combine(Directory, file);

    /// <summary>
    /// <paramref name="file"/> parsed as strict JSON, the tokenizer's reading; null when absent.
    /// </summary>
    /// <exception cref="TokenizerException">The file could not be read or is not valid JSON ("models/x/config.json: malformed JSON at line 3, byte 12: ...").</exception>
    public JsonElement? TokenizerJson(string file)
    {
        string display = $"{Display}/{file}";
        if (readErrors.TryGetValue(file, out var error)) throw new TokenizerException($"{display}: cannot read the file: {error.Message}", error);
        if (!contents.TryGetValue(file, out var bytes)) return null;
        using var document = JsonFile.Parse(bytes, display);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// <paramref name="file"/> parsed as JSON with comments and trailing commas allowed, the engine's reading; null when absent.
    /// </summary>
    /// <exception cref="JsonException">Not valid JSON (the caller names the file).</exception>
    /// <exception cref="IOException">The file could not be read.</exception>
    public JsonElement? LenientJson(string file)
    {
        if (readErrors.TryGetValue(file, out var error)) throw error is IOException io ? io : new IOException(error.Message, error);
        if (!contents.TryGetValue(file, out var bytes)) return null;
        using var doc = JsonDocument.Parse(Text(bytes), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        return doc.RootElement.Clone();
    }

    /// <summary>The text of <paramref name="file"/> (UTF-8, a BOM skipped); null when absent or unreadable.</summary>
    public string? TextOf(string file) => contents.TryGetValue(file, out var bytes) ? Text(bytes) : null;

    static string Text(byte[] bytes) => new System.Text.UTF8Encoding(false).GetString(bytes).TrimStart('\uFEFF');
}
