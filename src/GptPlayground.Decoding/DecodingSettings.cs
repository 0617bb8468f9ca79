using System.Text.Json.Serialization;

namespace GptPlayground.Decoding;

/// <summary>
/// Every decoding setting, with the names and meanings of Hugging Face <c>GenerationConfig</c>
/// (snake_case in files and JSON, kebab-case as CLI flags). A null value means "not set": the model's
/// <c>generation_config.json</c> fills it in, else the default documented on the property.
/// </summary>
/// <remarks>
/// Processing order (see docs/decoding.md): repetition penalty, no-repeat-ngram ban, presence/frequency
/// penalties, min-new-tokens EOS ban, then (sampling only) temperature, top-k, top-p, min-p, typical-p, and
/// finally one selector: argmax (greedy), a seeded random draw (sampling) or beam search.
/// </remarks>
public sealed partial record DecodingSettings
{
    /// <summary>Most tokens to generate per sequence (default 128).</summary>
    [JsonPropertyName("max_new_tokens")] public int? MaxNewTokens { get; init; }

    /// <summary>EOS is banned until this many tokens were generated (default 0).</summary>
    [JsonPropertyName("min_new_tokens")] public int? MinNewTokens { get; init; }

    /// <summary>Draw from the processed distribution instead of taking the argmax (default false).</summary>
    [JsonPropertyName("do_sample")] public bool? DoSample { get; init; }

    /// <summary>Divides the logits before sampling; must be &gt; 0 (default 1.0: no change).</summary>
    [JsonPropertyName("temperature")] public double? Temperature { get; init; }

    /// <summary>Keep the k most probable tokens, ties at the k-th value kept; 0 keeps every token (default 50, as transformers; sampling only).</summary>
    [JsonPropertyName("top_k")] public int? TopK { get; init; }

    /// <summary>Nucleus sampling: keep the smallest set whose probability reaches top_p, at least one token; 1.0 is a no-op (default 1.0).</summary>
    [JsonPropertyName("top_p")] public double? TopP { get; init; }

    /// <summary>Keep tokens whose probability is at least min_p times the top token's; 0 is a no-op (default 0).</summary>
    [JsonPropertyName("min_p")] public double? MinP { get; init; }

    /// <summary>Locally typical sampling mass; 1.0 is a no-op (default 1.0).</summary>
    [JsonPropertyName("typical_p")] public double? TypicalP { get; init; }

    /// <summary>CTRL repetition penalty on every token of prompt + output; 1.0 is a no-op (default 1.0).</summary>
    [JsonPropertyName("repetition_penalty")] public double? RepetitionPenalty { get; init; }

    /// <summary>OpenAI presence penalty: subtracted once from the logit of every token already generated (default 0).</summary>
    [JsonPropertyName("presence_penalty")] public double? PresencePenalty { get; init; }

    /// <summary>OpenAI frequency penalty: subtracted per occurrence from the logit of every token already generated (default 0).</summary>
    [JsonPropertyName("frequency_penalty")] public double? FrequencyPenalty { get; init; }

    /// <summary>Ban any n-gram of this size from occurring twice; 0 is a no-op (default 0).</summary>
    [JsonPropertyName("no_repeat_ngram_size")] public int? NoRepeatNgramSize { get; init; }

    /// <summary>Beam width; 1 means no beam search (default 1).</summary>
    [JsonPropertyName("num_beams")] public int? NumBeams { get; init; }

    /// <summary>Beam score = sum logprob / length^length_penalty (default 1.0).</summary>
    [JsonPropertyName("length_penalty")] public double? LengthPenalty { get; init; }

    /// <summary>Beam search stops as soon as num_beams finished candidates exist (true) or when no better one is possible (false; default).</summary>
    [JsonPropertyName("early_stopping")] public bool? EarlyStopping { get; init; }

    /// <summary>Sequences to return per prompt (default 1).</summary>
    [JsonPropertyName("num_return_sequences")] public int? NumReturnSequences { get; init; }

    /// <summary>Stop strings, matched on the decoded text across token boundaries; not part of the output.</summary>
    [JsonPropertyName("stop")] public IReadOnlyList<string>? Stop { get; init; }

    /// <summary>Seed of the random draws; null picks a fresh one when sampling (<see cref="Resolve"/> fills it in, so the caller can report it).</summary>
    [JsonPropertyName("seed")] public ulong? Seed { get; init; }
}
