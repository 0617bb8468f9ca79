namespace GptPlayground.Inference.Models;

/// <summary>
/// The numbers that describe a decoder's architecture, declared once for every view of a model.
/// <see cref="ModelConfig.Shape"/> is what the folder's JSON configs state (partial: any field may be missing);
/// <see cref="DecoderLayout.Shape"/> is the resolved shape (<see cref="Resolve"/>: the graph's fixed dimensions,
/// the configs where the graph leaves one symbolic, then values derived from others), in which the fields the
/// decode loop needs are always set; <see cref="ModelCard"/> shows that resolved shape. Null means "not stated
/// anywhere" (shown as "?").
/// </summary>
/// <example>
/// <code>
/// var graph = new ModelShape { Layers = 12, KvHeads = 12, HeadSize = 64, VocabSize = 50257 };
/// var configs = new ModelShape { Heads = 12, Hidden = 768, ContextLength = 1024 };
/// var shape = graph.Or(configs).WithDerived();   // all seven set
/// </code>
/// </example>
public sealed record ModelShape
{
    /// <summary>Transformer blocks, each with its own KV cache. Configs: <c>num_hidden_layers</c>, <c>n_layer</c>,
    /// genai <c>model.decoder.num_hidden_layers</c>; graph: the number of past inputs (always stated).</summary>
    public int? Layers { get; init; }

    /// <summary>Attention (query) heads per layer. Configs: <c>num_attention_heads</c>, <c>n_head</c>,
    /// genai <c>model.decoder.num_attention_heads</c>; the graph does not state it.</summary>
    public int? Heads { get; init; }

    /// <summary>Key/value heads per layer: fewer than <see cref="Heads"/> for grouped-query or multi-query attention.
    /// Configs: <c>num_key_value_heads</c>, genai <c>model.decoder.num_key_value_heads</c>; graph: the heads axis
    /// of the cache tensors; derived: <see cref="Heads"/> (plain multi-head attention).</summary>
    public int? KvHeads { get; init; }

    /// <summary>Width of the residual stream (the embedding size). Configs: <c>hidden_size</c>, <c>n_embd</c>,
    /// genai <c>model.decoder.hidden_size</c>; derived: <see cref="Heads"/> × <see cref="HeadSize"/>.</summary>
    public int? Hidden { get; init; }

    /// <summary>Width of one attention head. Configs: <c>head_dim</c>, genai <c>model.decoder.head_size</c>; graph: the
    /// last axis of the cache tensors; derived: <see cref="Hidden"/> / <see cref="Heads"/> when it divides evenly.</summary>
    public int? HeadSize { get; init; }

    /// <summary>Maximum sequence length (prompt + generated tokens) the model was trained for. Configs:
    /// <c>max_position_embeddings</c>, <c>n_positions</c>, <c>n_ctx</c>, genai <c>model.context_length</c>; the graph
    /// does not state it.</summary>
    public int? ContextLength { get; init; }

    /// <summary>Token ids the model scores (0 to VocabSize - 1). Configs: <c>vocab_size</c>, genai
    /// <c>model.vocab_size</c>; graph: the last axis of the logits.</summary>
    public int? VocabSize { get; init; }

    /// <summary>Every field once, in declaration order: its property name, the words messages use for it, and how
    /// to read and set it. <see cref="Or"/>, <see cref="Disagreements"/> and <see cref="ToString"/> follow from it.</summary>
    public static IReadOnlyList<ShapeField> Fields { get; } =
    [
        new(nameof(Layers), "layers", s => s.Layers, (s, v) => s with { Layers = v }),
        new(nameof(Heads), "heads", s => s.Heads, (s, v) => s with { Heads = v }),
        new(nameof(KvHeads), "KV heads", s => s.KvHeads, (s, v) => s with { KvHeads = v }),
        new(nameof(Hidden), "hidden size", s => s.Hidden, (s, v) => s with { Hidden = v }),
        new(nameof(HeadSize), "head size", s => s.HeadSize, (s, v) => s with { HeadSize = v }),
        new(nameof(ContextLength), "context length", s => s.ContextLength, (s, v) => s with { ContextLength = v }),
        new(nameof(VocabSize), "vocabulary size", s => s.VocabSize, (s, v) => s with { VocabSize = v }),
    ];

    /// <summary>This shape with each missing field taken from <paramref name="fallback"/>; stated fields are kept.</summary>
    public ModelShape Or(ModelShape fallback) =>
        Fields.Aggregate(this, (shape, f) => f.Get(shape) is null && f.Get(fallback) is { } v ? f.With(shape, v) : shape);

    /// <summary>
    /// This shape with the fields that follow from others filled in where missing, in this order: head size =
    /// hidden / heads (only when it divides evenly), KV heads = heads (no grouped-query attention), hidden = heads ×
    /// head size. Stated fields are never changed; layers, heads, context and vocabulary are never derived.
    /// </summary>
    public ModelShape WithDerived()
    {
        var s = this;
        if (s is { HeadSize: null, Hidden: int hidden, Heads: int heads } && hidden % heads == 0) s = s with { HeadSize = hidden / heads };
        if (s is { KvHeads: null, Heads: int h }) s = s with { KvHeads = h };
        if (s is { Hidden: null, Heads: int n, HeadSize: int d }) s = s with { Hidden = n * d };
        return s;
    }

    /// <summary>
    /// The fields that both this shape and <paramref name="other"/> state, with different values, in
    /// <see cref="Fields"/> order; empty when they agree (a field only one of them states never disagrees).
    /// </summary>
    public IReadOnlyList<(ShapeField Field, int Value, int Other)> Disagreements(ModelShape other) =>
        [.. Fields.Where(f => f.Get(this) is { } a && f.Get(other) is { } b && a != b).Select(f => (f, f.Get(this)!.Value, f.Get(other)!.Value))];

    /// <summary>
    /// The shape of a model from its graph and its configs: the graph's values where it states them (the graph is what
    /// runs), the configs' elsewhere, then <see cref="WithDerived"/>.
    /// </summary>
    /// <param name="graph">What the graph fixes (symbolic dimensions null).</param>
    /// <param name="configs">What the configs state (<see cref="ModelConfig.Shape"/>).</param>
    /// <param name="conflict">Makes the exception for the first field both state with different values: (field, graph's value, configs' value).</param>
    /// <exception cref="ModelException">The graph and the configs state a field with different values (from <paramref name="conflict"/>).</exception>
    public static ModelShape Resolve(ModelShape graph, ModelShape configs, Func<ShapeField, int, int, ModelException> conflict)
    {
        if (graph.Disagreements(configs) is [var (field, g, c), ..]) throw conflict(field, g, c);
        return graph.Or(configs).WithDerived();
    }

    /// <summary>"layers 2, heads 4, KV heads 2, hidden size 32, head size 8, context length 128, vocabulary size 300"; "?" where unknown.</summary>
    public override string ToString() => string.Join(", ", Fields.Select(f => $"{f.Label} {f.Get(this)?.ToString() ?? "?"}"));
}

/// <summary>One field of <see cref="ModelShape"/>.</summary>
/// <param name="Name">The property's name (<c>nameof(ModelShape.KvHeads)</c>).</param>
/// <param name="Label">The words messages use for it ("KV heads").</param>
/// <param name="Get">Reads the field of a shape.</param>
/// <param name="With">A copy of a shape with the field set.</param>
public sealed record ShapeField(string Name, string Label, Func<ModelShape, int?> Get, Func<ModelShape, int?, ModelShape> With);
