namespace GptPlayground.Inference.Models;

/// <summary>
/// What a user wants to know about a model before using it. Null means "not stated by the graph
/// or the configs" and is shown as "?".
/// </summary>
public sealed record ModelCard
{
    public required string Name { get; init; }
    public required string Path { get; init; }
    /// <summary>The decoder file, relative to the model folder.</summary>
    public required string File { get; init; }
    /// <summary>Parameter count: every element of every initializer in the graph (external data included).</summary>
    public long? Parameters { get; init; }
    public int? Layers { get; init; }
    public int? Heads { get; init; }
    public int? KvHeads { get; init; }
    public int? Hidden { get; init; }
    public int? HeadSize { get; init; }
    public int? ContextLength { get; init; }
    public int? VocabSize { get; init; }
    /// <summary>I/O layout, e.g. "past_key_values.N.key/value, ids int64".</summary>
    public required string Layout { get; init; }
    /// <summary>Weights, KV cache and logits element types, e.g. "weights fp16, kv fp16, logits fp32".</summary>
    public required string Dtype { get; init; }
    /// <summary>"cpu" or "cuda" once loaded; null while only inspected.</summary>
    public string? Provider { get; init; }
    /// <summary>Why that provider (what auto decided).</summary>
    public string? ProviderReason { get; init; }
    /// <summary>Tokenizer summary, or the reason there is none ("none: ... (use --prompt-ids)").</summary>
    public required string Tokenizer { get; init; }
}
