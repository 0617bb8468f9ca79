using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace GptPlayground.Inference.Models;

/// <summary>How a decoder graph stores its KV cache.</summary>
public enum KvCacheStyle
{
    /// <summary>One key and one value tensor per layer, <c>[batch, kv_heads, seq, head_size]</c>:
    /// <c>past_key_values.N.key/.value</c> -> <c>present.N.key/.value</c> (Hugging Face Optimum,
    /// onnxruntime-genai model builder).</summary>
    Separate,
    /// <summary>Key and value stacked in one tensor per layer, <c>[2, batch, heads, seq, head_size]</c>:
    /// <c>past_N</c> -> <c>present_N</c> (the legacy onnxruntime.transformers GPT-2 converter).</summary>
    Stacked,
}

/// <summary>One graph input or output as the engine sees it.</summary>
/// <param name="Name">The tensor's name in the graph.</param>
/// <param name="Type">Element type.</param>
/// <param name="Dims">Dimensions; -1 where the dimension is symbolic (batch, sequence, ...).</param>
public sealed record TensorSignature(string Name, TensorElementType Type, long[] Dims)
{
    /// <summary>Reads the signatures of a session's inputs or outputs.</summary>
    public static IReadOnlyList<TensorSignature> From(IReadOnlyDictionary<string, NodeMetadata> metadata) =>
        metadata.Select(kv => new TensorSignature(kv.Key,
            kv.Value.IsTensor ? kv.Value.ElementDataType : TensorElementType.DataTypeMax,
            kv.Value.IsTensor ? kv.Value.Dimensions.Select(d => (long)d).ToArray() : [])).ToList();

    /// <summary>The dimension at <paramref name="axis"/> if the graph fixes it, else null.</summary>
    public int? Fixed(int axis) => axis < Dims.Length && Dims[axis] > 0 ? (int)Dims[axis] : null;
}

/// <summary>
/// The I/O layout of a decoder graph, discovered from the graph's own inputs and outputs:
/// which tensors the engine feeds (token ids, attention mask, positions, KV cache, the merged-decoder
/// branch flag), their element types, and how the cache is shaped. Everything the generation loop
/// needs to know about a model's graph is here, so the loop itself has no exporter-specific code.
/// </summary>
public sealed partial record DecoderLayout
{
    public required string InputIds { get; init; }
    public required TensorElementType InputIdsType { get; init; }
    public string? AttentionMask { get; init; }
    public TensorElementType AttentionMaskType { get; init; }
    public string? PositionIds { get; init; }
    public TensorElementType PositionIdsType { get; init; }
    /// <summary>Optimum merged decoders: a bool <c>[1]</c> input choosing the with-past branch.</summary>
    public string? UseCacheBranch { get; init; }
    public required string Logits { get; init; }
    public required TensorElementType LogitsType { get; init; }
    public required KvCacheStyle KvStyle { get; init; }
    public required TensorElementType KvType { get; init; }
    /// <summary>
    /// The model's resolved shape (<see cref="ModelShape.Resolve"/>): the graph's fixed dimensions, the configs where the
    /// graph leaves one symbolic, then derived values. Layers, KV heads, head size and vocabulary size are always set
    /// (<see cref="Discover"/> fails without them); heads, hidden size and context length may be unknown.
    /// </summary>
    /// <exception cref="ArgumentException">Set to a shape without layers, KV heads, head size or vocabulary size.</exception>
    public required ModelShape Shape
    {
        get => shape;
        init => shape = value is { Layers: not null, KvHeads: not null, HeadSize: not null, VocabSize: not null } ? value
            : throw new ArgumentException($"a decoder layout needs layers, KV heads, head size and vocabulary size; got {value}", nameof(Shape));
    }
    readonly ModelShape shape = null!;

    // The four numbers the decode loop sizes tensors with, as plain ints (the Shape setter guarantees them).
    /// <inheritdoc cref="ModelShape.Layers"/>
    public int Layers => shape.Layers!.Value;
    /// <inheritdoc cref="ModelShape.KvHeads"/>
    public int KvHeads => shape.KvHeads!.Value;
    /// <inheritdoc cref="ModelShape.HeadSize"/>
    public int HeadSize => shape.HeadSize!.Value;
    /// <inheritdoc cref="ModelShape.VocabSize"/>
    public int VocabSize => shape.VocabSize!.Value;
    /// <summary>Past inputs in feed order: Separate = key0, value0, key1, ...; Stacked = past_0, past_1, ...</summary>
    public required IReadOnlyList<string> PastInputs { get; init; }
    /// <summary>Present outputs, index-aligned with <see cref="PastInputs"/>.</summary>
    public required IReadOnlyList<string> PresentOutputs { get; init; }

    /// <summary>The axis of a cache tensor that grows by one per token.</summary>
    public int KvSequenceAxis => KvStyle == KvCacheStyle.Separate ? 2 : 3;

    /// <summary>Short description for model cards: "optimum (past_key_values.N.key/value), merged".</summary>
    public string Description =>
        (KvStyle == KvCacheStyle.Separate ? "past_key_values.N.key/value" : "stacked past_N (GPT-2 converter)")
        + (UseCacheBranch is null ? "" : ", merged (use_cache_branch)")
        + (PositionIds is null ? ", no position_ids" : "")
        + $", ids {Short(InputIdsType)}";

    /// <summary>Discovers the layout of a graph.</summary>
    /// <param name="inputs">The graph inputs.</param>
    /// <param name="outputs">The graph outputs.</param>
    /// <param name="config">Values from the folder's JSON configs, used where the graph leaves a dimension symbolic.</param>
    /// <param name="where">Names the model in error messages.</param>
    /// <exception cref="ModelException">The graph is not a decoder this engine can drive, or it and the configs state a
    /// shape field with different values; the message names what is missing or unexpected, or both values and where each is from.</exception>
    public static DecoderLayout Discover(IReadOnlyList<TensorSignature> inputs, IReadOnlyList<TensorSignature> outputs, ModelConfig config, string where)
    {
        TensorSignature? In(string name) => inputs.FirstOrDefault(i => i.Name == name);
        var ids = In("input_ids") ?? throw new ModelException($"{where}: the graph has no 'input_ids' input (inputs: {Names(inputs)}); this is not a decoder-only language model graph");
        var mask = In("attention_mask");
        var positions = In("position_ids");
        var branch = In("use_cache_branch");
        var logits = outputs.FirstOrDefault(o => o.Name == "logits") ?? throw new ModelException($"{where}: the graph has no 'logits' output (outputs: {Names(outputs)})");
        RequireInteger(ids, where); if (mask is not null) RequireInteger(mask, where); if (positions is not null) RequireInteger(positions, where);
        if (branch is not null && branch.Type != TensorElementType.Bool)
            throw new ModelException($"{where}: input 'use_cache_branch' is {branch.Type}, expected bool");

        var separatePast = Match(inputs, SeparatePast());
        var stackedPast = Match(inputs, StackedPast());
        if (separatePast.Count > 0 && stackedPast.Count > 0)
            throw new ModelException($"{where}: the graph mixes past_key_values.N.key/value and past_N inputs");
        var style = stackedPast.Count > 0 ? KvCacheStyle.Stacked : KvCacheStyle.Separate;
        var known = new HashSet<string> { ids.Name, logits.Name };
        if (mask is not null) known.Add(mask.Name);
        if (positions is not null) known.Add(positions.Name);
        if (branch is not null) known.Add(branch.Name);

        var past = new List<string>();
        var present = new List<string>();
        if (style == KvCacheStyle.Separate)
        {
            int layers = separatePast.Count == 0 ? 0 : separatePast.Max(m => m.Layer) + 1;
            for (int l = 0; l < layers; l++)
                foreach (var kind in new[] { "key", "value" })
                {
                    var p = separatePast.FirstOrDefault(m => m.Layer == l && m.Kind == kind).Name
                        ?? throw new ModelException($"{where}: past_key_values.{l}.{kind} is missing (layers 0..{layers - 1} expected)");
                    var q = FindPresent(outputs, [$"present.{l}.{kind}", $"present_key_values.{l}.{kind}"])
                        ?? throw new ModelException($"{where}: input {p} has no matching output present.{l}.{kind}");
                    past.Add(p); present.Add(q);
                }
        }
        else
        {
            int layers = stackedPast.Max(m => m.Layer) + 1;
            for (int l = 0; l < layers; l++)
            {
                var p = stackedPast.FirstOrDefault(m => m.Layer == l).Name ?? throw new ModelException($"{where}: past_{l} is missing (layers 0..{layers - 1} expected)");
                var q = FindPresent(outputs, [$"present_{l}"]) ?? throw new ModelException($"{where}: input {p} has no matching output present_{l}");
                past.Add(p); present.Add(q);
            }
        }
        if (past.Count == 0)
            throw new ModelException($"{where}: the graph has no KV-cache inputs (past_key_values.N.key/value or past_N); a decoder without a KV cache would re-run the whole prompt for every token. Export it with past (Optimum: --task text-generation-with-past)");
        known.UnionWith(past);
        var unexpected = inputs.Where(i => !known.Contains(i.Name)).ToList();
        if (unexpected.Count > 0)
            throw new ModelException($"{where}: unexpected graph input(s) {Names(unexpected)}; the engine feeds input_ids, attention_mask, position_ids, use_cache_branch and the KV cache");

        var first = inputs.First(i => i.Name == past[0]);
        if (first.Type is not (TensorElementType.Float or TensorElementType.Float16))
            throw new ModelException($"{where}: KV cache {first.Name} is {first.Type}; only float32 and float16 caches are supported");
        if (logits.Type is not (TensorElementType.Float or TensorElementType.Float16))
            throw new ModelException($"{where}: logits are {logits.Type}; only float32 and float16 logits are supported");
        int expectedRank = style == KvCacheStyle.Separate ? 4 : 5;
        if (first.Dims.Length != expectedRank)
            throw new ModelException($"{where}: {first.Name} has rank {first.Dims.Length}, expected {expectedRank}");
        int headAxis = style == KvCacheStyle.Separate ? 1 : 2;
        var graph = new ModelShape   // what the graph itself fixes
        {
            Layers = style == KvCacheStyle.Separate ? past.Count / 2 : past.Count,
            KvHeads = first.Fixed(headAxis),              // [batch, kv_heads, past, head_size] or [2, batch, heads, past, head_size]
            HeadSize = first.Fixed(headAxis + 2),
            VocabSize = logits.Fixed(logits.Dims.Length - 1),   // [batch, seq, vocab]
        };
        var shape = ModelShape.Resolve(graph, config.Shape, (field, inGraph, inConfigs) => new ModelException(
            $"{where}: the graph and the configs disagree on the {field.Label}: {inGraph} in the graph ({GraphSource(field.Name)}), " +
            $"{inConfigs} in {config.ShapeSources.GetValueOrDefault(field.Name, "the configs")}; the graph is what runs, so correct or remove the config value"));
        if (shape.KvHeads is null)
            throw new ModelException($"{where}: the number of KV heads is neither fixed in the graph ({first.Name}) nor given in config.json (num_key_value_heads)");
        if (shape.HeadSize is null)
            throw new ModelException($"{where}: the head size is neither fixed in the graph ({first.Name}) nor derivable from config.json (hidden_size / num_attention_heads)");
        if (shape.VocabSize is null)
            throw new ModelException($"{where}: the vocabulary size is neither fixed in the graph (logits) nor given in config.json (vocab_size)");

        string GraphSource(string field) => field switch
        {
            nameof(ModelShape.Layers) => $"{past.Count} past inputs",
            nameof(ModelShape.VocabSize) => $"the last axis of {logits.Name}",
            _ => first.Name,
        };

        return new DecoderLayout
        {
            InputIds = ids.Name, InputIdsType = ids.Type,
            AttentionMask = mask?.Name, AttentionMaskType = mask?.Type ?? TensorElementType.Int64,
            PositionIds = positions?.Name, PositionIdsType = positions?.Type ?? TensorElementType.Int64,
            UseCacheBranch = branch?.Name,
            Logits = logits.Name, LogitsType = logits.Type,
            KvStyle = style, KvType = first.Type,
            Shape = shape,
            PastInputs = past, PresentOutputs = present,
        };
    }

    static void RequireInteger(TensorSignature t, string where)
    {
        if (t.Type is not (TensorElementType.Int64 or TensorElementType.Int32))
            throw new ModelException($"{where}: input '{t.Name}' is {t.Type}; expected int64 or int32");
    }

    static string? FindPresent(IReadOnlyList<TensorSignature> outputs, string[] names) =>
        names.FirstOrDefault(n => outputs.Any(o => o.Name == n));

    static List<(string Name, int Layer, string Kind)> Match(IReadOnlyList<TensorSignature> inputs, Regex pattern) =>
        inputs.Select(i => (i.Name, m: pattern.Match(i.Name))).Where(x => x.m.Success)
              .Select(x => (x.Name, int.Parse(x.m.Groups[1].Value), x.m.Groups.Count > 2 ? x.m.Groups[2].Value : "")).ToList();

    static string Names(IEnumerable<TensorSignature> ts) => string.Join(", ", ts.Select(t => $"'{t.Name}'"));

    internal static string Short(TensorElementType t) => t switch
    {
        TensorElementType.Float => "fp32", TensorElementType.Float16 => "fp16",
        TensorElementType.Int64 => "int64", TensorElementType.Int32 => "int32", _ => t.ToString(),
    };

    [GeneratedRegex(@"^past_key_values\.(\d+)\.(key|value)$")]
    private static partial Regex SeparatePast();

    [GeneratedRegex(@"^past_(\d+)$")]
    private static partial Regex StackedPast();
}
