using System.Runtime.InteropServices;

namespace GptPlayground.Onnx;

/// <summary>
/// A tensor to write into an ONNX file (ONNX <c>TensorProto</c>): a graph initializer or a constant
/// attribute. The data is either held in memory or produced by a callback while the file is written,
/// so multi-gigabyte weights never sit in memory. Data is little-endian <c>raw_data</c>, or, when the
/// model is saved with external data, a range of the <c>.onnx.data</c> file.
/// </summary>
public sealed class OnnxTensor
{
    private OnnxTensor(string name, OnnxDataType type, long[] dims, long byteLength, Action<Stream> writeData)
    {
        Name = name;
        Type = type;
        Dims = dims;
        ByteLength = byteLength;
        WriteData = writeData;
    }

    /// <summary>The tensor's name (an initializer's name is how nodes refer to it).</summary>
    public string Name { get; }

    /// <summary>Element type.</summary>
    public OnnxDataType Type { get; }

    /// <summary>Dimensions; empty for a scalar.</summary>
    public IReadOnlyList<long> Dims { get; }

    /// <summary>Number of elements (product of <see cref="Dims"/>; 1 for a scalar).</summary>
    public long ElementCount => Dims.Aggregate(1L, (n, d) => checked(n * d));

    /// <summary>Bytes of data.</summary>
    public long ByteLength { get; }

    /// <summary>Writes exactly <see cref="ByteLength"/> bytes of little-endian data.</summary>
    internal Action<Stream> WriteData { get; }

    /// <summary>A tensor whose data a callback streams while the file is written.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="type">Element type (fixed-size types only).</param>
    /// <param name="dims">Dimensions.</param>
    /// <param name="writeData">Writes the elements, little-endian, row-major: exactly the tensor's byte length.</param>
    /// <exception cref="ArgumentException">A dimension is negative, or the type has no fixed size.</exception>
    public static OnnxTensor Streamed(string name, OnnxDataType type, long[] dims, Action<Stream> writeData)
    {
        if (dims.Any(d => d < 0)) throw new ArgumentException($"tensor '{name}': dims [{string.Join(", ", dims)}] must be >= 0", nameof(dims));
        long elements = dims.Aggregate(1L, (n, d) => checked(n * d));
        long bytes = type.ByteLength(elements) ?? throw new ArgumentException($"tensor '{name}': {type} has no fixed element size", nameof(type));
        return new OnnxTensor(name, type, dims, bytes, writeData);
    }

    /// <summary>A tensor from little-endian bytes held in memory.</summary>
    /// <exception cref="ArgumentException">The byte count does not match the dims and type.</exception>
    public static OnnxTensor FromBytes(string name, OnnxDataType type, long[] dims, byte[] data)
    {
        var tensor = Streamed(name, type, dims, stream => stream.Write(data));
        if (tensor.ByteLength != data.Length)
            throw new ArgumentException($"tensor '{name}': {data.Length} bytes given, {type}[{string.Join(", ", dims)}] needs {tensor.ByteLength}", nameof(data));
        return tensor;
    }

    /// <summary>An int64 tensor; <c>FromInt64("axes", [1], 2)</c>.</summary>
    public static OnnxTensor FromInt64(string name, long[] dims, params long[] values) =>
        FromBytes(name, OnnxDataType.Int64, dims, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>A float tensor.</summary>
    public static OnnxTensor FromFloat(string name, long[] dims, params float[] values) =>
        FromBytes(name, OnnxDataType.Float, dims, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>A bool tensor (one byte per element).</summary>
    public static OnnxTensor FromBool(string name, long[] dims, params bool[] values) =>
        FromBytes(name, OnnxDataType.Bool, dims, values.Select(v => v ? (byte)1 : (byte)0).ToArray());

    /// <summary>A float16 tensor.</summary>
    public static OnnxTensor FromFloat16(string name, long[] dims, params Half[] values) =>
        FromBytes(name, OnnxDataType.Float16, dims, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>An int32 tensor.</summary>
    public static OnnxTensor FromInt32(string name, long[] dims, params int[] values) =>
        FromBytes(name, OnnxDataType.Int32, dims, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>"wte: float[50257, 768]".</summary>
    public override string ToString() => $"{Name}: {Type.ToString().ToLowerInvariant()}[{string.Join(", ", Dims)}]";
}
