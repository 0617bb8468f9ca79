using System.Text.Json;
using GptPlayground.Decoding;
using GptPlayground.Notebooks.Templates;

namespace GptPlayground.Api;

/// <summary>One prompt of a request: text, token ids (completions), or chat messages (chat completions).</summary>
/// <param name="Text">Prompt text, encoded with the model's tokenizer (with its BOS, as the <c>generate</c> verb does).</param>
/// <param name="Ids">Token ids given directly.</param>
/// <param name="Messages">Chat messages, rendered through the model's chat template as instruction cells are.</param>
public sealed record ApiPrompt(string? Text, int[]? Ids, IReadOnlyList<ChatMessage>? Messages);

/// <summary>
/// A parsed <c>/v1/completions</c> or <c>/v1/chat/completions</c> request: OpenAI's parameters with their names and the
/// project's other decoding settings as extra fields with Hugging Face names (as vLLM takes them).
/// </summary>
/// <param name="Chat">True for a chat completion.</param>
/// <param name="Model">The model's catalog name.</param>
/// <param name="Prompts">The prompts (chat: exactly one, the messages).</param>
/// <param name="Settings">The decoding settings the request sets, before <see cref="Effective"/> applies OpenAI's conventions.</param>
/// <param name="Temperature">OpenAI's temperature as sent: 0 is greedy, above 0 samples, null leaves it to <see cref="Effective"/>.</param>
/// <param name="TopLogprobs">Alternatives per token to report; null when logprobs were not asked for.</param>
/// <param name="Stream">Answer with server-sent events.</param>
/// <param name="IncludeUsage">With <paramref name="Stream"/>: a last chunk with the token counts (stream_options.include_usage).</param>
/// <param name="Echo">Completions: the prompt text comes before each choice's text.</param>
public sealed record ApiRequest(bool Chat, string Model, IReadOnlyList<ApiPrompt> Prompts, DecodingSettings Settings, double? Temperature,
    int? TopLogprobs, bool Stream, bool IncludeUsage, bool Echo)
{
    /// <summary>Most prompts of one completions request.</summary>
    public const int MaxPrompts = 64;

    /// <summary>Most stop strings (OpenAI allows 4; vLLM more).</summary>
    public const int MaxStops = 16;

    /// <summary>Most alternatives per token (OpenAI's top_logprobs limit; the engine's too).</summary>
    public const int MaxTopLogprobs = 20;

    /// <summary>
    /// The settings a request runs with, given the model's own defaults (its generation_config.json): OpenAI's conventions
    /// where they differ from the engine's. temperature 0 is greedy; a temperature above 0 samples with it; no temperature
    /// samples (at the model's temperature, else 1) as OpenAI does, unless the model's generation_config sets
    /// do_sample=false or the request asks for beam search (num_beams &gt; 1), which decode without sampling. When sampling,
    /// top_k is off (0) unless the request or the model sets it: OpenAI's API has no top-k filter (the engine's own default
    /// is transformers' 50).
    /// </summary>
    public DecodingSettings Effective(DecodingSettings modelDefaults)
    {
        var s = Settings;
        bool beams = (s.NumBeams ?? modelDefaults.NumBeams ?? 1) > 1;
        s = Temperature switch
        {
            0 => s with { DoSample = false },
            double t => s with { DoSample = true, Temperature = t },
            null => s with { DoSample = !beams && (modelDefaults.DoSample ?? true) },
        };
        if (s.DoSample == true && s.TopK is null && modelDefaults.TopK is null) s = s with { TopK = 0 };
        return s;
    }

    /// <summary>The name the request gave the token limit: max_tokens, or max_completion_tokens (chat).</summary>
    public string MaxTokensName { get; init; } = "max_tokens";

    /// <summary>
    /// The request's name for a decoding setting in messages: <see cref="MaxTokensName"/> for max_new_tokens, n for
    /// num_return_sequences; the others have the same names.
    /// </summary>
    public string ParameterName(string setting) => setting switch
    {
        "max_new_tokens" => MaxTokensName,
        "num_return_sequences" => "n",
        _ => setting,
    };

    /// <summary>
    /// Parameters with Hugging Face names that the API takes besides OpenAI's (as vLLM does), each a
    /// <see cref="DecodingSetting"/>: the engine's semantics, the engine's validation.
    /// </summary>
    public static readonly IReadOnlyList<string> ExtraSettings =
        ["top_k", "min_p", "typical_p", "repetition_penalty", "no_repeat_ngram_size", "num_beams", "length_penalty", "early_stopping", "min_new_tokens"];

    /// <summary>Parses a <c>/v1/completions</c> body.</summary>
    /// <exception cref="ApiException">400 naming the first bad or unknown field.</exception>
    public static ApiRequest Completion(JsonBody body)
    {
        var model = body.RequiredString("model");
        var prompts = PromptsOf(body);
        int? logprobs = body.Int("logprobs", 0, MaxTopLogprobs);
        bool echo = body.Bool("echo") ?? false;
        body.Unsupported("suffix", "insertion (fill-in-the-middle) needs a model trained for it");
        body.Unsupported("best_of", "give n instead (sampling), or num_beams (beam search)", v => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var b) && b <= 1);
        var (settings, temperature, stream, usage, maxName) = Common(body, maxTokensNames: ["max_tokens"]);
        body.RefuseUnread("/v1/completions");
        return new ApiRequest(false, model, prompts, settings, temperature, logprobs, stream, usage, echo) { MaxTokensName = maxName };
    }

    /// <summary>Parses a <c>/v1/chat/completions</c> body.</summary>
    /// <exception cref="ApiException">400 naming the first bad or unknown field.</exception>
    public static ApiRequest ChatCompletion(JsonBody body)
    {
        var model = body.RequiredString("model");
        var messages = MessagesOf(body);
        bool logprobs = body.Bool("logprobs") ?? false;
        int? top = body.Int("top_logprobs", 0, MaxTopLogprobs);
        if (top is not null && !logprobs) throw ApiException.BadRequest("top_logprobs needs logprobs: true", "top_logprobs", "invalid_value");
        foreach (var name in new[] { "tools", "tool_choice", "functions", "function_call", "audio", "prediction", "web_search_options" })
            body.Unsupported(name, "GptPlayground generates text only");
        body.Unsupported("response_format", "structured output is not implemented; ask for JSON in the prompt", v => v.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "text");
        body.Unsupported("modalities", "GptPlayground generates text only", v => v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(m => m.ValueKind == JsonValueKind.String && m.GetString() == "text"));
        body.Bool("parallel_tool_calls");      // meaningless without tools: accepted
        body.Bool("store");                     // nothing is stored: accepted
        body.Get("metadata");
        body.String("reasoning_effort");
        body.String("service_tier");
        var (settings, temperature, stream, usage, maxName) = Common(body, maxTokensNames: ["max_completion_tokens", "max_tokens"]);
        body.RefuseUnread("/v1/chat/completions");
        return new ApiRequest(true, model, [new ApiPrompt(null, null, messages)], settings, temperature, logprobs ? top ?? 0 : null, stream, usage, false) { MaxTokensName = maxName };
    }

    /// <summary>The parameters both endpoints share: OpenAI's sampling parameters and the extras with Hugging Face names.</summary>
    static (DecodingSettings Settings, double? Temperature, bool Stream, bool IncludeUsage, string MaxTokensName) Common(JsonBody body, string[] maxTokensNames)
    {
        var given = maxTokensNames.Where(body.Has).ToList();
        if (given.Count > 1) throw ApiException.BadRequest($"give either {given[0]} or {given[1]}, not both", given[1], "invalid_value");
        int? maxTokens = given.Count == 1 ? body.Int(given[0], 1) : null;
        var settings = new DecodingSettings
        {
            MaxNewTokens = maxTokens,
            TopP = body.Number("top_p"),
            NumReturnSequences = body.Int("n", 1),
            Stop = body.Strings("stop", MaxStops),
            Seed = body.Seed("seed"),
            PresencePenalty = body.Number("presence_penalty"),
            FrequencyPenalty = body.Number("frequency_penalty"),
        };
        foreach (var name in ExtraSettings)
        {
            var d = DecodingSetting.Find(name)!;
            object? value = d.Kind switch
            {
                SettingKind.Integer => body.Int(name),
                SettingKind.Number => body.Number(name),
                SettingKind.Switch => body.Bool(name),
                _ => throw new InvalidOperationException($"no reader for {name}"),
            };
            if (value is not null) settings = d.WithValue(settings, value);
        }
        double? temperature = body.Number("temperature");
        bool stream = body.Bool("stream") ?? false;
        bool usage = false;
        if (body.Get("stream_options") is { } options)
        {
            if (!stream) throw ApiException.BadRequest("stream_options needs stream: true", "stream_options", "invalid_value");
            if (options.ValueKind != JsonValueKind.Object) throw JsonBody.Wrong("stream_options", options, "an object");
            foreach (var p in options.EnumerateObject())
                usage = p.Name == "include_usage" && p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? p.Value.GetBoolean()
                    : p.Name == "include_usage" ? throw JsonBody.Wrong("stream_options.include_usage", p.Value, "true or false")
                    : throw ApiException.BadRequest($"unrecognized request argument supplied: 'stream_options.{p.Name}'", "stream_options", "unknown_parameter");
        }
        body.String("user");                    // OpenAI's end-user id: accepted, not used
        body.Unsupported("logit_bias", "biasing logits is not one of the engine's decoding settings", v => v.ValueKind == JsonValueKind.Object && !v.EnumerateObject().Any());
        return (settings, temperature, stream, usage, given.FirstOrDefault() ?? maxTokensNames[0]);
    }

    static IReadOnlyList<ApiPrompt> PromptsOf(JsonBody body)
    {
        if (body.Get("prompt") is not { } p) throw ApiException.BadRequest("'prompt' is required: a string, a list of strings, a list of token ids or a list of such lists", "prompt", "missing_required_parameter");
        List<ApiPrompt> prompts = p.ValueKind switch
        {
            JsonValueKind.String => [new ApiPrompt(p.GetString(), null, null)],
            JsonValueKind.Array when p.GetArrayLength() == 0 => throw ApiException.BadRequest("prompt is an empty list: give a string or token ids", "prompt", "invalid_value"),
            JsonValueKind.Array when p.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number) => [new ApiPrompt(null, Ids(p, "prompt"), null)],
            JsonValueKind.Array when p.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) => p.EnumerateArray().Select(e => new ApiPrompt(e.GetString(), null, null)).ToList(),
            JsonValueKind.Array when p.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Array) => p.EnumerateArray().Select((e, i) => new ApiPrompt(null, Ids(e, $"prompt[{i}]"), null)).ToList(),
            _ => throw JsonBody.Wrong("prompt", p, "a string, a list of strings, a list of token ids or a list of such lists"),
        };
        if (prompts.Count > MaxPrompts) throw ApiException.BadRequest($"prompt has {prompts.Count} prompts; at most {MaxPrompts} per request", "prompt", "invalid_value");
        return prompts;
    }

    static int[] Ids(JsonElement list, string name)
    {
        if (list.GetArrayLength() == 0) throw ApiException.BadRequest($"{name} is an empty list of token ids", "prompt", "invalid_value");
        return list.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var id) && id >= 0 ? id
            : throw ApiException.BadRequest($"{name} must hold token ids (non-negative integers), not {e.GetRawText()}", "prompt", "invalid_type")).ToArray();
    }

    /// <summary>Roles a chat message may have; OpenAI's "developer" is a system message.</summary>
    static readonly string[] Roles = ["system", "developer", "user", "assistant"];

    static IReadOnlyList<ChatMessage> MessagesOf(JsonBody body)
    {
        if (body.Get("messages") is not { } m) throw ApiException.BadRequest("'messages' is required: a list of {\"role\", \"content\"} objects", "messages", "missing_required_parameter");
        if (m.ValueKind != JsonValueKind.Array) throw JsonBody.Wrong("messages", m, "a list of {\"role\", \"content\"} objects");
        if (m.GetArrayLength() == 0) throw ApiException.BadRequest("messages is an empty list: give at least one message", "messages", "invalid_value");
        var messages = new List<ChatMessage>();
        int i = 0;
        foreach (var e in m.EnumerateArray())
        {
            string at = $"messages[{i++}]";
            if (e.ValueKind != JsonValueKind.Object) throw JsonBody.Wrong(at, e, "an object with role and content");
            var role = e.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : throw ApiException.BadRequest($"{at}.role is required: one of {string.Join(", ", Roles)}", "messages", "invalid_value");
            if (!Roles.Contains(role)) throw ApiException.BadRequest($"{at}.role (={role}) must be one of {string.Join(", ", Roles)}", "messages", "invalid_value");
            foreach (var p in e.EnumerateObject())
                if (p.Name is not ("role" or "content" or "name"))
                    throw ApiException.BadRequest($"{at}.{p.Name} is not supported (messages take role, content and name)", "messages", "unsupported_parameter");
            messages.Add(new ChatMessage(role == "developer" ? "system" : role, Content(e, at)));
        }
        return messages;
    }

    static string Content(JsonElement message, string at)
    {
        if (!message.TryGetProperty("content", out var c) || c.ValueKind == JsonValueKind.Null) return "";
        if (c.ValueKind == JsonValueKind.String) return c.GetString()!;
        if (c.ValueKind != JsonValueKind.Array) throw JsonBody.Wrong($"{at}.content", c, "a string or a list of text parts");
        var text = new System.Text.StringBuilder();
        foreach (var part in c.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                throw JsonBody.Wrong($"{at}.content", part, "a list of {\"type\": \"text\", \"text\": ...} parts");
            if (type.GetString() != "text")
                throw ApiException.BadRequest($"{at}.content part type '{type.GetString()}' is not supported: GptPlayground takes text only", "messages", "unsupported_parameter");
            text.Append(part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : throw JsonBody.Wrong($"{at}.content[].text", part, "a string"));
        }
        return text.ToString();
    }
}
