namespace GptPlayground.Onnx;

/// <summary>Initializers of one element type: how many tensors, elements and bytes.</summary>
/// <param name="Tensors">Number of initializers of this type.</param>
/// <param name="Elements">Their total element count.</param>
/// <param name="Bytes">Their total data size, external data included.</param>
public sealed record OnnxTypeTally(int Tensors, long Elements, long Bytes);

/// <summary>An initializer that repeats an earlier one (the export's copy of a tied weight).</summary>
/// <param name="Name">The copy, not counted in <see cref="OnnxModelInfo.ParameterCount"/>.</param>
/// <param name="CopyOf">The initializer it repeats (counted).</param>
/// <param name="Transposed">Whether the copy is stored transposed ([hidden, vocab] for a [vocab, hidden] embedding).</param>
public sealed record OnnxCopiedInitializer(string Name, string CopyOf, bool Transposed);

/// <summary>
/// Facts about an ONNX model file, read without ONNX Runtime and without loading the weights:
/// versions, producer, the main graph's inputs and outputs, and its initializers (parameter count,
/// element types, bytes including external data). <see cref="Read"/> walks the protobuf and skips
/// tensor data by its length, so a multi-gigabyte model costs kilobytes of memory.
/// </summary>
/// <example>
/// <code>
/// var info = OnnxModelInfo.Read("models/gpt2/model.onnx");
/// Console.WriteLine($"{info.ParameterCount / 1e6:F0}M parameters, {info.InitializerBytes >> 20} MiB");
/// </code>
/// </example>
public sealed record OnnxModelInfo
{
    /// <summary>The file read.</summary>
    public required string Path { get; init; }

    /// <summary>The file format's IR version (<c>ir_version</c>).</summary>
    public required long IrVersion { get; init; }

    /// <summary>Operator set version per domain; "" is the default ai.onnx domain.</summary>
    public required IReadOnlyDictionary<string, long> Opsets { get; init; }

    /// <summary>The tool that wrote the file ("pytorch", "onnxruntime.transformers", "gptplayground"), or "".</summary>
    public required string ProducerName { get; init; }

    /// <summary>That tool's version, or "".</summary>
    public required string ProducerVersion { get; init; }

    /// <summary>The main graph's name.</summary>
    public required string GraphName { get; init; }

    /// <summary>Nodes in the main graph (not counting those inside If/Loop branches).</summary>
    public required int NodeCount { get; init; }

    /// <summary>Graph inputs the caller feeds (initializers listed as inputs by old exporters are left out).</summary>
    public required IReadOnlyList<OnnxValueInfo> Inputs { get; init; }

    /// <summary>Graph outputs.</summary>
    public required IReadOnlyList<OnnxValueInfo> Outputs { get; init; }

    /// <summary>Number of initializers (weight tensors) in the main graph.</summary>
    public required int InitializerCount { get; init; }

    /// <summary>
    /// Total elements of the distinct initializers: the parameter count when the initializers are the weights. A
    /// copy of another initializer (<see cref="Copies"/>: tied embeddings exported twice) is counted once.
    /// </summary>
    public required long ParameterCount { get; init; }

    /// <summary>Initializers that repeat another (same or transposed shape, same values); empty for most models.</summary>
    public IReadOnlyList<OnnxCopiedInitializer> Copies { get; init; } = [];

    /// <summary>Total data size of all initializers in bytes, inline and external (copies included: they are stored).</summary>
    public required long InitializerBytes { get; init; }

    /// <summary>The part of <see cref="InitializerBytes"/> stored in external data files.</summary>
    public required long ExternalBytes { get; init; }

    /// <summary>External data files the initializers refer to, relative to the model's folder.</summary>
    public required IReadOnlyList<string> ExternalFiles { get; init; }

    /// <summary>Initializers per element type: float16 vs float vs int8...</summary>
    public required IReadOnlyDictionary<OnnxDataType, OnnxTypeTally> InitializersByType { get; init; }

    /// <summary>Reads the facts of the model at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="OnnxFormatException">The file is not a well-formed ONNX model (truncated, garbage, a missing
    /// or too short external data file); the message has the byte offset and what was expected.</exception>
    public static OnnxModelInfo Read(string path) => new OnnxInfoReader(path).Read();
}
