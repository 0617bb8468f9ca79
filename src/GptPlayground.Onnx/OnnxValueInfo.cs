namespace GptPlayground.Onnx;

/// <summary>
/// One tensor dimension in a graph signature: fixed (<c>64</c>) or symbolic (<c>"batch_size"</c>,
/// bound when the model runs). <c>default</c> is an unknown dimension (neither set).
/// </summary>
/// <param name="Value">The fixed size, or null.</param>
/// <param name="Param">The symbolic name (ONNX <c>dim_param</c>), or null.</param>
public readonly record struct OnnxDim(long? Value, string? Param)
{
    /// <summary>A fixed dimension.</summary>
    public static implicit operator OnnxDim(long value) => new(value, null);

    /// <summary>A symbolic dimension.</summary>
    public static implicit operator OnnxDim(string param) => new(null, param);

    /// <summary>"64", "batch_size" or "?".</summary>
    public override string ToString() => Value?.ToString() ?? Param ?? "?";
}

/// <summary>
/// A named, typed tensor in a graph signature (ONNX <c>ValueInfoProto</c>): a graph input or output.
/// </summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="Type">Element type; <see cref="OnnxDataType.Undefined"/> for non-tensor values (sequences, maps).</param>
/// <param name="Shape">Dimensions; null when the shape is not stated (rank unknown).</param>
public sealed record OnnxValueInfo(string Name, OnnxDataType Type, IReadOnlyList<OnnxDim>? Shape)
{
    /// <summary>"input_ids: int64[batch_size, sequence_length]".</summary>
    public override string ToString() =>
        $"{Name}: {Type.ToString().ToLowerInvariant()}{(Shape is null ? "" : "[" + string.Join(", ", Shape) + "]")}";
}
