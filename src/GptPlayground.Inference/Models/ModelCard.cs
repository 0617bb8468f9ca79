using System.Text.Json.Serialization;

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
    /// <summary>The model's resolved shape (<see cref="DecoderLayout.Shape"/>); default: all unknown. Not written to JSON
    /// as an object: its fields appear as the card's own properties below, as <c>models --json</c> has always printed them.
    /// (Not <c>required</c>: System.Text.Json refuses a required property it ignores.)</summary>
    [JsonIgnore]
    public ModelShape Shape { get; init; } = new();
    // Forwards to Shape for JSON and the pages; each field is described once, on ModelShape.
    /// <inheritdoc cref="ModelShape.Layers"/>
    public int? Layers => Shape.Layers;
    /// <inheritdoc cref="ModelShape.Heads"/>
    public int? Heads => Shape.Heads;
    /// <inheritdoc cref="ModelShape.KvHeads"/>
    public int? KvHeads => Shape.KvHeads;
    /// <inheritdoc cref="ModelShape.Hidden"/>
    public int? Hidden => Shape.Hidden;
    /// <inheritdoc cref="ModelShape.HeadSize"/>
    public int? HeadSize => Shape.HeadSize;
    /// <inheritdoc cref="ModelShape.ContextLength"/>
    public int? ContextLength => Shape.ContextLength;
    /// <inheritdoc cref="ModelShape.VocabSize"/>
    public int? VocabSize => Shape.VocabSize;
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
