using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GptPlayground.Inference.Generation;
using GptPlayground.Tokenizers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace GptPlayground.Api;

/// <summary>
/// Writes the answers of <c>/v1/completions</c> and <c>/v1/chat/completions</c> in OpenAI's shapes: one JSON object, or
/// server-sent events (<c>data: {chunk}</c> ... <c>data: [DONE]</c>). Choice i is prompt i / n's sequence i % n.
/// Logprobs are the model's raw log-probabilities (log-softmax of its logits), as vLLM reports them by default.
/// </summary>
public static class ApiResponses
{
    /// <summary>How the API writes JSON: non-ASCII text as it is (JSON, not HTML, so no escaping is needed).</summary>
    public static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>OpenAI's finish_reason: "stop" at end-of-sequence or a stop string, "length" at max_tokens or a full context.</summary>
    public static string FinishReason(FinishReason finish) => finish is Inference.Generation.FinishReason.Eos or Inference.Generation.FinishReason.Stop ? "stop" : "length";

    /// <summary>Collects every step and answers one JSON object with the choices and usage.</summary>
    public static async Task WriteAsync(HttpContext context, ApiRun run, IAsyncEnumerable<ApiStep> steps, CancellationToken cancellationToken)
    {
        var choices = Choices(run);
        int completion = 0;
        await foreach (var s in steps.WithCancellation(cancellationToken))
        {
            choices[Index(run, s)].Add(s.Step, run.Tokenizer);
            completion++;
        }
        var request = run.Request;
        object body = request.Chat
            ? new
            {
                id = NewId("chatcmpl"),
                @object = "chat.completion",
                created = Now(),
                model = request.Model,
                choices = choices.Select((c, i) => new
                {
                    index = i,
                    message = new { role = "assistant", content = c.Text.ToString(), refusal = (string?)null },
                    logprobs = request.TopLogprobs is int k ? new { content = c.Tokens.Select(t => ChatLogprob(t, k)), refusal = (object?)null } : null,
                    finish_reason = c.Finish is { } f ? FinishReason(f) : null,
                }),
                usage = Usage(run, completion),
            }
            : new
            {
                id = NewId("cmpl"),
                @object = "text_completion",
                created = Now(),
                model = request.Model,
                choices = choices.Select((c, i) => new
                {
                    index = i,
                    text = c.Text.ToString(),
                    logprobs = request.TopLogprobs is int k ? LegacyLogprobs(c.Tokens, k) : null,
                    finish_reason = c.Finish is { } f ? FinishReason(f) : null,
                }),
                usage = Usage(run, completion),
            };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonOptions), cancellationToken);
    }

    /// <summary>
    /// Answers server-sent events, one chunk per token as it is generated. The first step is awaited before the
    /// headers go out, so that a full queue or a model that cannot load still gets its status code; an error after that
    /// is sent as a <c>data: {"error": ...}</c> event before <c>[DONE]</c>.
    /// </summary>
    public static async Task StreamAsync(HttpContext context, ApiRun run, IAsyncEnumerable<ApiStep> steps, CancellationToken cancellationToken)
    {
        await using var e = steps.GetAsyncEnumerator(cancellationToken);
        bool any = await e.MoveNextAsync();

        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var request = run.Request;
        string id = NewId(request.Chat ? "chatcmpl" : "cmpl");
        long created = Now();
        var choices = Choices(run);
        int completion = 0;

        Task Send(object choice) => Event(response, new
        {
            id,
            @object = request.Chat ? "chat.completion.chunk" : "text_completion",
            created,
            model = request.Model,
            choices = new[] { choice },
        }, cancellationToken);

        for (int i = 0; i < choices.Count; i++)
        {
            if (request.Chat) await Send(new { index = i, delta = new { role = "assistant", content = "" }, logprobs = (object?)null, finish_reason = (string?)null });
            else if (request.Echo) await Send(new { index = i, text = choices[i].Text.ToString(), logprobs = (object?)null, finish_reason = (string?)null });
        }
        try
        {
            while (any)
            {
                var s = e.Current;
                int index = Index(run, s);
                var choice = choices[index];
                var token = choice.Add(s.Step, run.Tokenizer);
                completion++;
                string? finish = s.Step.Finish is { } f ? FinishReason(f) : null;
                if (s.Step.Text.Length > 0 || request.TopLogprobs is not null || finish is not null && !request.Chat)
                {
                    if (request.Chat)
                        await Send(new { index, delta = new { content = s.Step.Text }, logprobs = request.TopLogprobs is int k ? new { content = new[] { ChatLogprob(token, k) } } : null, finish_reason = (string?)null });
                    else
                        await Send(new { index, text = s.Step.Text, logprobs = request.TopLogprobs is int k ? LegacyLogprobs([token], k) : null, finish_reason = finish });
                }
                if (request.Chat && finish is not null)
                    await Send(new { index, delta = new { }, logprobs = (object?)null, finish_reason = finish });
                any = await e.MoveNextAsync();
            }
            if (request.IncludeUsage)
                await Event(response, new { id, @object = request.Chat ? "chat.completion.chunk" : "text_completion", created, model = request.Model, choices = Array.Empty<object>(), usage = Usage(run, completion) }, cancellationToken);
        }
        catch (ApiException error)
        {
            await response.WriteAsync($"data: {error.ToJson()}\n\n", cancellationToken);
        }
        await response.WriteAsync("data: [DONE]\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    static async Task Event(HttpResponse response, object chunk, CancellationToken cancellationToken)
    {
        await response.WriteAsync("data: " + JsonSerializer.Serialize(chunk, JsonOptions) + "\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    static List<Choice> Choices(ApiRun run) =>
        Enumerable.Range(0, run.PromptIds.Count * run.N).Select(i => new Choice(run.Request.Echo ? run.PromptTexts[i / run.N] : "")).ToList();

    static int Index(ApiRun run, ApiStep s) => s.Prompt * run.N + s.Step.Sequence;

    static object Usage(ApiRun run, int completion) =>
        new { prompt_tokens = run.PromptTokens, completion_tokens = completion, total_tokens = run.PromptTokens + completion };

    static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    static string NewId(string prefix) => $"{prefix}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant()}";

    /// <summary>One token of a choice for logprobs: its text, bytes, log-probability and the alternatives.</summary>
    sealed record TokenEntry(string Text, byte[] Bytes, float Logprob, int Offset, IReadOnlyList<(string Text, byte[] Bytes, float Logprob)> Top);

    /// <summary>One choice being built: its text (after the echoed prompt), tokens and finish.</summary>
    sealed class Choice(string echo)
    {
        public StringBuilder Text { get; } = new(echo);
        public List<TokenEntry> Tokens { get; } = [];
        public FinishReason? Finish { get; private set; }

        public TokenEntry Add(GenerationStep step, ITokenizer? tokenizer)
        {
            var entry = new TokenEntry(TokenText(tokenizer, step.Token, step.Text), Bytes(tokenizer, step.Token), step.Logprob, Text.Length,
                step.TopLogprobs.Select(t => (TokenText(tokenizer, t.Token, t.Text), Bytes(tokenizer, t.Token), t.Logprob)).ToList());
            Text.Append(step.Text);
            Tokens.Add(entry);
            Finish = step.Finish ?? Finish;
            return entry;
        }
    }

    /// <summary>A token's own text: the tokenizer's decoding of that one id (special tokens included), else what the step shows.</summary>
    static string TokenText(ITokenizer? tokenizer, int id, string fallback) => tokenizer is null ? fallback : tokenizer.Decode([id], skipSpecialTokens: false);

    static byte[] Bytes(ITokenizer? tokenizer, int id) => tokenizer is null ? [] : tokenizer.TokenBytes(id).ToArray();

    static object ChatLogprob(TokenEntry t, int k) => new
    {
        token = t.Text,
        logprob = t.Logprob,
        bytes = t.Bytes.Select(b => (int)b),
        top_logprobs = t.Top.Take(k).Select(a => new { token = a.Text, logprob = a.Logprob, bytes = a.Bytes.Select(b => (int)b) }),
    };

    /// <summary>The legacy completions logprobs object: parallel lists of tokens, their logprobs, alternatives and text offsets.</summary>
    static object LegacyLogprobs(IReadOnlyList<TokenEntry> tokens, int k) => new
    {
        tokens = tokens.Select(t => t.Text),
        token_logprobs = tokens.Select(t => t.Logprob),
        top_logprobs = tokens.Select(t =>
        {
            var top = new Dictionary<string, float>(StringComparer.Ordinal);
            foreach (var a in t.Top.Take(k)) top.TryAdd(a.Text, a.Logprob);
            return top;
        }),
        text_offset = tokens.Select(t => t.Offset),
    };
}
