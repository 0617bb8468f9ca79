using System.Text.Json;

namespace GptPlayground.Inference.Models;

/// <summary>
/// A model folder that describes a model served elsewhere by an OpenAI-compatible endpoint (vLLM, TGI, llama.cpp's
/// server, Ollama, OpenAI, another GptPlayground) instead of holding an ONNX file: <c>models/NAME/remote.json</c>.
/// It is listed beside the local models and runs through the app's remote client; ONNX Runtime never sees it.
/// </summary>
/// <example>
/// <code>
/// {
///   "base_url": "http://gpu-cluster:8000/v1",
///   "model": "meta-llama/Llama-3.1-8B-Instruct",
///   "api_key_env": "CLUSTER_API_KEY",
///   "completions": true, "chat": true, "logprobs": true,
///   "context_length": 8192, "timeout_seconds": 120, "max_retries": 2, "max_concurrency": 8
/// }
/// </code>
/// </example>
/// <param name="Name">The folder's name: the model's name in the catalog.</param>
/// <param name="BaseUrl">The endpoint's base address including <c>/v1</c> (an absolute http or https URL).</param>
/// <param name="Model">The model's name on the server (default: <paramref name="Name"/>).</param>
/// <param name="ApiKeyVariable">Environment variable holding the server's API key (sent as a Bearer token); null for none. The key itself is never written in the file.</param>
/// <param name="Completions">The server has <c>/completions</c> (default true): zero- and few-shot prompts go there.</param>
/// <param name="Chat">The server has <c>/chat/completions</c> (default true): instruction cells send their messages there, rendered by the server's chat template.</param>
/// <param name="Logprobs">The server returns log-probabilities (default true): the token view shows them; else it shows the text only.</param>
/// <param name="ContextLength">The model's context length when known (checks max_new_tokens); null when not stated.</param>
/// <param name="Timeout">Time for one attempt to answer (default 120 s), and the longest pause between streamed tokens.</param>
/// <param name="MaxRetries">Retries, with exponential backoff, of an attempt that failed transiently (connection refused, 408, 429, 5xx, timeout) before any token arrived (default 2).</param>
/// <param name="MaxConcurrency">Requests sent to the server at once from this app (default 4); more wait their turn, fairly across sessions.</param>
public sealed record RemoteModel(string Name, Uri BaseUrl, string Model, string? ApiKeyVariable, bool Completions, bool Chat, bool Logprobs,
    int? ContextLength, TimeSpan Timeout, int MaxRetries, int MaxConcurrency)
{
    /// <summary>The file that makes a folder a remote model.</summary>
    public const string FileName = "remote.json";

    /// <summary>Where it is, for cards and messages: "meta-llama/Llama-3.1-8B-Instruct at http://gpu-cluster:8000/v1".</summary>
    public string Where => $"{Model} at {BaseUrl}";

    /// <summary>True when <paramref name="folder"/> has a <see cref="FileName"/>.</summary>
    public static bool IsRemote(string folder) => File.Exists(Path.Combine(folder, FileName));

    /// <summary>Reads <c>remote.json</c> of <paramref name="folder"/>.</summary>
    /// <exception cref="ModelException">The file cannot be read, is not JSON, or a field is missing, of the wrong type or out of range; the message names the file and the field.</exception>
    public static RemoteModel Read(string folder)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        var display = $"{name}/{FileName}";
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, FileName)),
                new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            root = document.RootElement.Clone();
        }
        catch (JsonException e) { throw new ModelException($"{display}: not valid JSON: {e.Message}", e); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ModelException($"{display}: cannot read the file: {e.Message}", e); }
        if (root.ValueKind != JsonValueKind.Object) throw new ModelException($"{display}: must be a JSON object with base_url and model");

        string? Text(string key) => root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw new ModelException($"{display}: {key} must be a string")
            : null;
        bool Flag(string key, bool fallback) => root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw new ModelException($"{display}: {key} must be true or false")
            : fallback;
        int? Whole(string key, int min, int max) => root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) && i >= min && i <= max ? i
              : throw new ModelException($"{display}: {key} (={v.GetRawText()}) must be a whole number from {min} to {max}")
            : null;

        var known = new HashSet<string> { "base_url", "model", "api_key_env", "completions", "chat", "logprobs", "context_length", "timeout_seconds", "max_retries", "max_concurrency", "description" };
        if (root.TryGetProperty("api_key", out _)) throw new ModelException($"{display}: write the key's environment variable as api_key_env, not the key");
        foreach (var property in root.EnumerateObject())
            if (!known.Contains(property.Name)) throw new ModelException($"{display}: unknown key '{property.Name}' (keys: {string.Join(", ", known)})");
        var url = Text("base_url") ?? throw new ModelException($"{display}: base_url is required, e.g. \"http://gpu-cluster:8000/v1\"");
        if (!Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
            throw new ModelException($"{display}: base_url (={url}) must be an absolute http:// or https:// address, e.g. \"http://gpu-cluster:8000/v1\"");
        var remote = new RemoteModel(name, baseUrl, Text("model") ?? name, Text("api_key_env"),
            Flag("completions", true), Flag("chat", true), Flag("logprobs", true),
            Whole("context_length", 1, int.MaxValue), TimeSpan.FromSeconds(Whole("timeout_seconds", 1, 3600) ?? 120),
            Whole("max_retries", 0, 10) ?? 2, Whole("max_concurrency", 1, 1024) ?? 4);
        if (!remote.Completions && !remote.Chat) throw new ModelException($"{display}: completions and chat are both false: the model could not be called");
        return remote;
    }

    /// <summary>The card the Models page and <c>models</c> verb show: what is known without asking the server.</summary>
    public ModelCard Card(string path) => new()
    {
        Name = Name,
        Path = path,
        File = FileName,
        Shape = new ModelShape { ContextLength = ContextLength },
        Layout = $"remote OpenAI-compatible endpoint ({string.Join(", ", new[] { Completions ? "completions" : null, Chat ? "chat" : null }.OfType<string>())})",
        Dtype = "on the server",
        Provider = "remote",
        ProviderReason = Where,
        Tokenizer = "on the server",
    };
}
