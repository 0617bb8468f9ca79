using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using GptPlayground.Decoding;
using GptPlayground.Inference;
using GptPlayground.Inference.Generation;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Serving;
using GptPlayground.Notebooks.Templates;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace GptPlayground.Services;

/// <summary>A prompt as text, for models that take text rather than token ids (remote models).</summary>
/// <param name="Text">The rendered prompt text (what a local model would encode).</param>
/// <param name="Messages">The chat messages of an instruction cell that uses the model's own template; null otherwise.
/// A remote model with a chat endpoint gets these, so that the server applies its own chat template.</param>
public sealed record PromptText(string Text, IReadOnlyList<ChatMessage>? Messages = null);

/// <summary>
/// A remote model's endpoint answered with an error, could not be reached, or did not answer in time. The message names
/// the model and the endpoint; <see cref="Status"/> is the HTTP status the server sent (502/503/504 when it sent none).
/// </summary>
public sealed class RemoteModelException(int status, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The server's HTTP status, or 503 (unreachable), 504 (timed out) or 502 (a malformed answer).</summary>
    public int Status { get; } = status;
}

/// <summary>
/// Generation on remote OpenAI-compatible models (<see cref="RemoteModel"/>, a folder with <c>remote.json</c>): the
/// <see cref="GenerationRunner"/> hands a request for one here, and it streams the server's tokens back as
/// <see cref="GenerationStep"/>s, so notebook cells, the Models page, the CLI and the API use remote models like local
/// ones. Requests wait their turn fairly across sessions (a <see cref="FairGate"/> per endpoint with
/// <c>max_concurrency</c> slots). Each call has a timeout and is retried with exponential backoff while it fails
/// transiently before the first token (Microsoft.Extensions.Http.Resilience).
/// </summary>
/// <remarks>
/// What a remote model cannot show: token ids (steps have <see cref="UnknownToken"/>), processed log-probabilities, and
/// log-probabilities at all when the server returns none (<c>"logprobs": false</c>). The decoding settings go out as
/// OpenAI's parameters (greedy as temperature 0) plus the project's other settings with Hugging Face names, only those
/// the request sets (vLLM and GptPlayground take them; OpenAI itself refuses them). A finish of "stop" is reported as
/// a stop string when the request has stop strings, else as end-of-sequence.
/// </remarks>
public sealed class RemoteGeneration(ModelCatalog catalog)
{
    /// <summary>The token id of remote steps: the server does not say.</summary>
    public const int UnknownToken = -1;

    readonly ConcurrentDictionary<string, Endpoint> endpoints = new(StringComparer.Ordinal);

    sealed record Endpoint(RemoteModel Model, HttpClient Client, FairGate Queue);

    /// <summary>True when <paramref name="model"/> names a remote model of the catalog (a readable remote.json).</summary>
    public bool Handles(string model)
    {
        try { return catalog.Remote(model) is not null; }
        catch (ModelException) { return false; }    // unknown or broken: the local path reports it
    }

    /// <summary>
    /// Streams the steps of one request on a remote model: every sequence's text deltas, with log-probabilities where
    /// the server returns them. The request's <see cref="RunRequest.Text"/> is sent (its token ids mean nothing there).
    /// </summary>
    /// <exception cref="ModelException">Not a remote model, or its remote.json is unusable.</exception>
    /// <exception cref="ArgumentException">Invalid decoding settings, or no prompt text.</exception>
    /// <exception cref="RemoteModelException">The endpoint failed, could not be reached or timed out.</exception>
    /// <exception cref="QueueFullException">Too many requests wait for this endpoint.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async IAsyncEnumerable<GenerationStep> RunAsync(RunRequest request, RunProgress progress, PlaygroundSession session,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var remote = catalog.Remote(request.Model) ?? throw new ModelException($"{request.Model} is not a remote model");
        var prompt = request.Text ?? throw new ArgumentException($"{remote.Name} is remote: it needs the prompt as text, not only token ids");
        if (prompt.Text.Length == 0 && prompt.Messages is null) throw new ArgumentException("the prompt is empty: write something for the model to continue");
        var settings = request.Settings.Resolve(null, remote.ContextLength);
        settings.Validate(remote.ContextLength).ThrowIfInvalid();
        var endpoint = EndpointOf(remote);

        using var turn = await endpoint.Queue.EnterAsync(session.Id, new Position(progress), cancellationToken);
        progress.QueuePosition = null;
        progress.Settings = settings;
        progress.Notify();

        bool chat = prompt.Messages is not null && remote.Chat || !remote.Completions;
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(remote.BaseUrl, chat ? "chat/completions" : "completions"))
        {
            Content = new StringContent(JsonSerializer.Serialize(Body(remote, request, prompt, settings, chat)), Encoding.UTF8, "application/json"),
        };
        if (remote.ApiKeyVariable is { } variable)
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Environment.GetEnvironmentVariable(variable) is { Length: > 0 } key ? key
                : throw new RemoteModelException(401, $"{remote.Name}: the environment variable {variable} (remote.json api_key_env) holds no API key for {remote.BaseUrl}"));
        using var response = await SendAsync(endpoint, message, cancellationToken);
        await foreach (var step in Steps(remote, response, settings, progress, cancellationToken))
            yield return step;
    }

    Endpoint EndpointOf(RemoteModel remote) =>
        endpoints.AddOrUpdate(remote.Name, _ => Create(remote), (_, old) => old.Model == remote ? old : Create(remote));

    /// <summary>An HTTP client with the endpoint's resilience: per-attempt timeout, and retries with exponential backoff and jitter.</summary>
    static Endpoint Create(RemoteModel remote)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (remote.MaxRetries > 0)
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = remote.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(500),
            });
        builder.AddTimeout(remote.Timeout);
        var handler = new ResilienceHandler(builder.Build()) { InnerHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) } };
        return new Endpoint(remote, new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan }, new FairGate(remote.Name, remote.MaxConcurrency));
    }

    static async Task<HttpResponseMessage> SendAsync(Endpoint endpoint, HttpRequestMessage message, CancellationToken cancellationToken)
    {
        var remote = endpoint.Model;
        HttpResponseMessage response;
        try
        {
            response = await endpoint.Client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (TimeoutRejectedException e)
        {
            throw new RemoteModelException(504, $"{remote.Name}: {remote.BaseUrl} did not answer within {remote.Timeout.TotalSeconds:0} s (remote.json timeout_seconds){Tries(remote)}", e);
        }
        catch (HttpRequestException e)
        {
            throw new RemoteModelException(503, $"{remote.Name}: cannot reach {remote.BaseUrl}: {e.Message}{Tries(remote)}", e);
        }
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new RemoteModelException((int)response.StatusCode,
                $"{remote.Name}: {remote.BaseUrl} answered {(int)response.StatusCode} {response.ReasonPhrase}: {ErrorMessage(text)}");
        }
    }

    static string Tries(RemoteModel remote) => remote.MaxRetries > 0 ? $" (tried {remote.MaxRetries + 1} times)" : "";

    /// <summary>The message of an OpenAI error body, else the body's start.</summary>
    static string ErrorMessage(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("error", out var e))
                return e.ValueKind == JsonValueKind.Object && e.TryGetProperty("message", out var m) ? m.ToString() : e.ToString();
        }
        catch (JsonException) { }
        return body.Length <= 300 ? body : body[..300] + "…";
    }

    /// <summary>The request body: OpenAI's parameters, then the engine's other settings (Hugging Face names) that the request sets.</summary>
    static Dictionary<string, object?> Body(RemoteModel remote, RunRequest request, PromptText prompt, DecodingSettings s, bool chat)
    {
        var body = new Dictionary<string, object?> { ["model"] = remote.Model };
        if (chat) body["messages"] = (prompt.Messages ?? [new ChatMessage("user", prompt.Text)]).Select(m => new { role = m.Role, content = m.Content });
        else body["prompt"] = prompt.Text;
        body["max_tokens"] = s.MaxNewTokens;
        body["temperature"] = s.Mode == DecodingMode.Sample ? s.Temperature : 0.0;
        body["n"] = s.NumReturnSequences;
        if (s.Stop is { Count: > 0 } stop) body["stop"] = stop;
        if (s.Mode == DecodingMode.Sample) body["seed"] = s.Seed;
        var own = request.Settings;
        if (own.TopP is { } topP) body["top_p"] = topP;
        if (own.PresencePenalty is { } presence) body["presence_penalty"] = presence;
        if (own.FrequencyPenalty is { } frequency) body["frequency_penalty"] = frequency;
        foreach (var name in new[] { "top_k", "min_p", "typical_p", "repetition_penalty", "no_repeat_ngram_size", "num_beams", "length_penalty", "early_stopping", "min_new_tokens" })
            if (DecodingSetting.Find(name)!.GetValue(own) is { } value) body[name] = value;
        if (remote.Logprobs && request.TopLogprobs > 0)
        {
            if (chat) { body["logprobs"] = true; body["top_logprobs"] = request.TopLogprobs; }
            else body["logprobs"] = request.TopLogprobs;
        }
        body["stream"] = true;
        body["stream_options"] = new { include_usage = true };
        return body;
    }

    /// <summary>
    /// Reads the server-sent events into steps. A step is sent when the next one of its sequence (or its finish) arrives,
    /// so that the last step of each sequence carries its finish reason.
    /// </summary>
    static async IAsyncEnumerable<GenerationStep> Steps(RemoteModel remote, HttpResponseMessage response, DecodingSettings settings, RunProgress progress,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        var pending = new Dictionary<int, GenerationStep>();
        var counts = new Dictionary<int, int>();
        bool stops = settings.Stop is { Count: > 0 };
        while (true)
        {
            idle.CancelAfter(remote.Timeout);
            string? line;
            try { line = await reader.ReadLineAsync(idle.Token); }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new RemoteModelException(504, $"{remote.Name}: {remote.BaseUrl} sent nothing for {remote.Timeout.TotalSeconds:0} s in the middle of its answer (remote.json timeout_seconds)");
            }
            catch (IOException e) { throw new RemoteModelException(502, $"{remote.Name}: the connection to {remote.BaseUrl} broke in the middle of its answer: {e.Message}", e); }
            if (line is null || line == "data: [DONE]") break;
            if (!line.StartsWith("data:", StringComparison.Ordinal)) continue;
            JsonElement chunk;
            try { using var json = JsonDocument.Parse(line[5..]); chunk = json.RootElement.Clone(); }
            catch (JsonException e) { throw new RemoteModelException(502, $"{remote.Name}: {remote.BaseUrl} sent an event that is not JSON: {e.Message}", e); }
            if (chunk.TryGetProperty("error", out var error))
                throw new RemoteModelException(502, $"{remote.Name}: {remote.BaseUrl} failed while answering: {ErrorMessage(chunk.GetRawText())}");
            if (chunk.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object && usage.TryGetProperty("prompt_tokens", out var pt) && pt.TryGetInt32(out var promptTokens))
            {
                progress.PromptTokens = promptTokens;
                progress.Notify();
            }
            if (!chunk.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array) continue;
            foreach (var choice in choices.EnumerateArray())
            {
                int index = choice.TryGetProperty("index", out var i) && i.TryGetInt32(out var ix) ? ix : 0;
                string text = choice.TryGetProperty("delta", out var delta) ? (delta.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "")
                    : choice.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
                var (logprob, top) = Logprobs(choice);
                FinishReason? finish = choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String
                    ? f.GetString() == "length" ? FinishReason.Length : stops ? FinishReason.Stop : FinishReason.Eos
                    : null;
                bool token = text.Length > 0 || logprob is not null;
                if (token)
                {
                    if (pending.Remove(index, out var previous)) yield return previous;
                    int n = counts.GetValueOrDefault(index);
                    counts[index] = n + 1;
                    pending[index] = new GenerationStep(index, n, UnknownToken, text, logprob ?? float.NaN, top, null) { Prompt = 0 };
                }
                if (finish is { } reason)
                {
                    var last = pending.Remove(index, out var p) ? p : new GenerationStep(index, counts.GetValueOrDefault(index), UnknownToken, "", float.NaN, [], null);
                    yield return last with { Finish = reason };
                }
            }
        }
        foreach (var step in pending.Values) yield return step;     // a server that ended without finish reasons
    }

    /// <summary>The first token's log-probability and alternatives of a chunk, in chat or legacy completions shape; null when it has none.</summary>
    static (float? Logprob, IReadOnlyList<TokenLogprob> Top) Logprobs(JsonElement choice)
    {
        if (!choice.TryGetProperty("logprobs", out var lp) || lp.ValueKind != JsonValueKind.Object) return (null, []);
        if (lp.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array && content.GetArrayLength() > 0)
        {
            var first = content[0];
            var top = first.TryGetProperty("top_logprobs", out var alternatives) && alternatives.ValueKind == JsonValueKind.Array
                ? alternatives.EnumerateArray().Select(a => new TokenLogprob(UnknownToken, a.GetProperty("logprob").GetSingle(), a.GetProperty("token").GetString() ?? "")).ToList()
                : [];
            return (first.TryGetProperty("logprob", out var l) && l.ValueKind == JsonValueKind.Number ? l.GetSingle() : null, top);
        }
        if (lp.TryGetProperty("token_logprobs", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0 && values[0].ValueKind == JsonValueKind.Number)
        {
            var top = lp.TryGetProperty("top_logprobs", out var tops) && tops.ValueKind == JsonValueKind.Array && tops.GetArrayLength() > 0 && tops[0].ValueKind == JsonValueKind.Object
                ? tops[0].EnumerateObject().Select(p => new TokenLogprob(UnknownToken, p.Value.GetSingle(), p.Name)).OrderByDescending(a => a.Logprob).ToList()
                : [];
            return (values[0].GetSingle(), top);
        }
        return (null, []);
    }

    /// <summary>Queue reports into the progress's 1-based place in line.</summary>
    sealed class Position(RunProgress progress) : IProgress<int>
    {
        public void Report(int value)
        {
            progress.QueuePosition = value == BatchScheduler.Admitted ? null : value + 1;
            progress.Notify();
        }
    }
}
