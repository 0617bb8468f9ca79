using System.Globalization;
using GptPlayground.Onnx.Protobuf;
using F = GptPlayground.Onnx.OnnxFields;

namespace GptPlayground.Onnx;

/// <summary>
/// The streaming protobuf walk behind <see cref="OnnxModelInfo.Read"/>: ModelProto -> GraphProto ->
/// TensorProto headers and ValueInfoProtos. Tensor data, nodes and anything unknown are skipped by length.
/// </summary>
internal sealed class OnnxInfoReader(string path)
{
    private readonly Dictionary<string, long> _externalFileSizes = [];

    /// <summary>What one initializer's header says, and where its bytes are (<paramref name="DataOffset"/> in the model
    /// file or in <paramref name="ExternalFile"/>; null for typed data such as float_data).</summary>
    private sealed record TensorFacts(string Name, OnnxDataType Type, long[] Dims, long Elements, long Bytes, string? ExternalFile, long? DataOffset = null);

    /// <summary>What the main graph holds.</summary>
    private sealed record GraphFacts(string Name, int Nodes, List<TensorFacts> Initializers, List<OnnxValueInfo> Inputs, List<OnnxValueInfo> Outputs);

    public OnnxModelInfo Read()
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);   // ProtoReader buffers
        using var r = new ProtoReader(stream, path, (offset, problem) => new OnnxFormatException(path, offset, problem));
        if (r.Length == 0) throw new OnnxFormatException(path, -1, "empty file; expected an ONNX model (a protobuf ModelProto)");

        long? irVersion = null;
        string producerName = "", producerVersion = "";
        var opsets = new Dictionary<string, long>();
        GraphFacts? graph = null;
        foreach (var field in Field.All(r, r.Length))
        {
            switch (field.Number)
            {
                case F.Model.IrVersion: irVersion = field.Varint("ModelProto.ir_version"); break;
                case F.Model.ProducerName: producerName = field.String("ModelProto.producer_name"); break;
                case F.Model.ProducerVersion: producerVersion = field.String("ModelProto.producer_version"); break;
                case F.Model.OpsetImport:
                    var (domain, version) = ReadOpset(r, field.Message("ModelProto.opset_import"));
                    opsets[domain] = version;
                    break;
                case F.Model.Graph: graph = ReadGraph(r, field.Message("ModelProto.graph")); break;
                default: field.Skip("ModelProto"); break;
            }
        }
        if (irVersion is null) throw new OnnxFormatException(path, -1, "no ir_version (ModelProto field 1): not an ONNX model");
        if (graph is null) throw new OnnxFormatException(path, -1, "no graph (ModelProto field 7): not an ONNX model, or a model without a graph");

        var initializers = graph.Initializers;
        var copies = FindCopies(initializers);
        var copyNames = copies.Select(c => c.Name).ToHashSet();
        var initializerNames = initializers.Select(t => t.Name).ToHashSet();
        return new OnnxModelInfo
        {
            Path = path,
            IrVersion = irVersion.Value,
            Opsets = opsets,
            ProducerName = producerName,
            ProducerVersion = producerVersion,
            GraphName = graph.Name,
            NodeCount = graph.Nodes,
            Inputs = graph.Inputs.Where(i => !initializerNames.Contains(i.Name)).ToList(),
            Outputs = graph.Outputs,
            InitializerCount = initializers.Count,
            ParameterCount = initializers.Where(t => !copyNames.Contains(t.Name)).Sum(t => t.Elements),
            Copies = copies,
            InitializerBytes = initializers.Sum(t => t.Bytes),
            ExternalBytes = initializers.Where(t => t.ExternalFile is not null).Sum(t => t.Bytes),
            ExternalFiles = initializers.Select(t => t.ExternalFile).OfType<string>().Distinct().ToList(),
            InitializersByType = initializers.GroupBy(t => t.Type).OrderBy(g => g.Key).ToDictionary(
                g => g.Key, g => new OnnxTypeTally(g.Count(), g.Sum(t => t.Elements), g.Sum(t => t.Bytes))),
        };
    }

    /// <summary>Matrices sampled per candidate pair: enough that two different trained or random matrices never agree.</summary>
    private const int CopySamples = 64;

    /// <summary>
    /// Initializers that repeat an earlier one: a matrix with the same element type and the same shape, or the
    /// transposed shape, whose values agree at <see cref="CopySamples"/> positions spread over it (read directly, so
    /// the check costs a few kilobytes of reads, not the weights). Exporters write tied input/output embeddings this
    /// way: GPT-2's <c>wte</c> [vocab, hidden] and a transposed copy [hidden, vocab] for the output MatMul. Only
    /// matrices of 4,096 elements or more are compared (small constant tensors such as norms start out equal).
    /// </summary>
    private List<OnnxCopiedInitializer> FindCopies(List<TensorFacts> initializers)
    {
        var matrices = initializers.Where(t => t.Dims.Length == 2 && t.Elements >= 4096 && t.DataOffset is not null
                                               && t.Type.ByteLength(1) is > 0 && t.Bytes == t.Type.ByteLength(t.Elements)).ToList();
        List<OnnxCopiedInitializer> copies = [];
        if (matrices.Count < 2) return copies;
        Dictionary<string, FileStream> files = [];
        try
        {
            for (int b = 1; b < matrices.Count; b++)
                for (int a = 0; a < b; a++)
                {
                    var (first, second) = (matrices[a], matrices[b]);
                    if (first.Type != second.Type || first.Elements != second.Elements || copies.Any(c => c.Name == first.Name)) continue;
                    bool same = first.Dims.SequenceEqual(second.Dims), transposed = first.Dims[0] == second.Dims[1] && first.Dims[1] == second.Dims[0];
                    if (!same && !transposed) continue;
                    if (!SamplesAgree(files, first, second, transposed)) continue;
                    copies.Add(new OnnxCopiedInitializer(second.Name, first.Name, transposed && !same));
                    break;
                }
        }
        finally
        {
            foreach (var f in files.Values) f.Dispose();
        }
        return copies;
    }

    /// <summary>Compares <paramref name="first"/>[i, j] with <paramref name="second"/>[i, j] (or [j, i] when transposed) at spread positions.</summary>
    private bool SamplesAgree(Dictionary<string, FileStream> files, TensorFacts first, TensorFacts second, bool transposed)
    {
        int size = (int)first.Type.ByteLength(1)!.Value;
        long rows = first.Dims[0], cols = first.Dims[1];
        Span<byte> x = stackalloc byte[16], y = stackalloc byte[16];
        ulong state = 0x9E3779B97F4A7C15;
        for (int k = 0; k < CopySamples; k++)
        {
            state = state * 6364136223846793005 + 1442695040888963407;   // a fixed LCG: the same positions every read
            long i = k == 0 ? 0 : k == 1 ? rows - 1 : (long)((state >> 11) % (ulong)rows);
            long j = k == 0 ? 0 : k == 1 ? cols - 1 : (long)((state >> 29) % (ulong)cols);
            long inSecond = transposed ? j * rows + i : i * cols + j;
            ReadAt(files, first, (i * cols + j) * size, x[..size]);
            ReadAt(files, second, inSecond * size, y[..size]);
            if (!x[..size].SequenceEqual(y[..size])) return false;
        }
        return true;
    }

    private void ReadAt(Dictionary<string, FileStream> files, TensorFacts tensor, long offset, Span<byte> into)
    {
        string file = tensor.ExternalFile ?? "";
        if (!files.TryGetValue(file, out var stream))
        {
            string full = tensor.ExternalFile is null ? path
                : System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, tensor.ExternalFile);
            files[file] = stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        }
        stream.Position = tensor.DataOffset!.Value + offset;
        stream.ReadExactly(into);
    }

    private static (string Domain, long Version) ReadOpset(ProtoReader r, long end)
    {
        string domain = "";
        long version = 0;
        foreach (var field in Field.All(r, end))
        {
            if (field.Number == F.OperatorSetId.Domain) domain = field.String("OperatorSetIdProto.domain");
            else if (field.Number == F.OperatorSetId.Version) version = field.Varint("OperatorSetIdProto.version");
            else field.Skip("OperatorSetIdProto");
        }
        return (domain, version);
    }

    private GraphFacts ReadGraph(ProtoReader r, long end)
    {
        string name = "";
        int nodes = 0;
        List<TensorFacts> initializers = [];
        List<OnnxValueInfo> inputs = [], outputs = [];
        foreach (var field in Field.All(r, end))
        {
            switch (field.Number)
            {
                case F.Graph.Node: field.Bytes("GraphProto.node"); nodes++; break;
                case F.Graph.Name: name = field.String("GraphProto.name"); break;
                case F.Graph.Initializer: initializers.Add(ReadTensor(r, field.Message("GraphProto.initializer"), field.At)); break;
                case F.Graph.Input: inputs.Add(ReadValueInfo(r, field.Message("GraphProto.input"))); break;
                case F.Graph.Output: outputs.Add(ReadValueInfo(r, field.Message("GraphProto.output"))); break;
                default: field.Skip("GraphProto"); break;
            }
        }
        return new GraphFacts(name, nodes, initializers, inputs, outputs);
    }

    /// <summary>A TensorProto's header: name, type, dims and where its data is; the data itself is skipped.</summary>
    private TensorFacts ReadTensor(ProtoReader r, long end, long start)
    {
        List<long> dims = [];
        var type = OnnxDataType.Undefined;
        string name = "";
        long? rawBytes = null, rawOffset = null;
        long stringBytes = 0;
        bool external = false;
        Dictionary<string, string> externalInfo = [];
        foreach (var field in Field.All(r, end))
        {
            switch (field.Number)
            {
                case F.Tensor.Dims when field.Wire == WireType.Varint: dims.Add(field.Varint("TensorProto.dims")); break;
                case F.Tensor.Dims:   // packed
                    long dimsEnd = field.Message("TensorProto.dims");
                    while (r.Position < dimsEnd) dims.Add((long)r.ReadVarint(dimsEnd));
                    break;
                case F.Tensor.DataType: type = (OnnxDataType)(int)field.Varint("TensorProto.data_type"); break;
                case F.Tensor.Name: name = field.String("TensorProto.name"); break;
                case F.Tensor.RawData:
                    rawBytes = field.Bytes("TensorProto.raw_data");
                    rawOffset = r.Position - rawBytes;
                    break;
                case F.Tensor.StringData: stringBytes += field.Bytes("TensorProto.string_data"); break;
                case F.Tensor.ExternalData:
                    var (key, value) = ReadEntry(r, field.Message("TensorProto.external_data"));
                    externalInfo[key] = value;
                    break;
                case F.Tensor.DataLocation: external = field.Varint("TensorProto.data_location") == F.DataLocationExternal; break;
                default: field.Skip("TensorProto"); break;   // typed data (float_data, int64_data...): its size follows from dims
            }
        }

        string label = $"initializer '{name}'";
        long elements = 1;
        foreach (long d in dims)
        {
            if (d < 0) throw r.Error(start, $"{label} has dimension {d}; dims must be >= 0");
            elements = d == 0 || elements <= long.MaxValue / 128 / d
                ? elements * d
                : throw r.Error(start, $"{label} has dims [{string.Join(", ", dims)}]: more elements than any file can hold");
        }
        long? expectedBytes = type.ByteLength(elements);
        if (external)
        {
            var (file, bytes) = CheckExternal(r, start, label, externalInfo, expectedBytes);
            return new TensorFacts(name, type, [.. dims], elements, bytes, file, ParseEntry(r, start, label, externalInfo, "offset") ?? 0);
        }
        if (rawBytes is { } raw && expectedBytes is { } expected && raw != expected)
            throw r.Error(start, $"{label} ({type}[{string.Join(", ", dims)}]) needs {expected} bytes of raw_data, it has {raw}");
        return new TensorFacts(name, type, [.. dims], elements, rawBytes ?? expectedBytes ?? stringBytes, null, rawOffset);
    }

    /// <summary>Checks an external tensor's location/offset/length against its data file; returns the file and byte count.</summary>
    private (string File, long Bytes) CheckExternal(ProtoReader r, long start, string label, Dictionary<string, string> info, long? expectedBytes)
    {
        if (!info.TryGetValue("location", out var location) || location.Length == 0)
            throw r.Error(start, $"{label} has data_location=EXTERNAL but no 'location' entry");
        long offset = ParseEntry(r, start, label, info, "offset") ?? 0;
        long length = ParseEntry(r, start, label, info, "length") ?? expectedBytes
            ?? throw r.Error(start, $"{label} is external with no 'length' and no fixed element size");
        if (expectedBytes is { } expected && length != expected)
            throw r.Error(start, $"{label} needs {expected} bytes; its external 'length' says {length}");

        if (!_externalFileSizes.TryGetValue(location, out long fileSize))
        {
            string full = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, location);
            if (!File.Exists(full))
                throw r.Error(start, $"{label} keeps its data in '{location}', which is missing (looked for {full}); copy it beside the model");
            fileSize = _externalFileSizes[location] = new FileInfo(full).Length;
        }
        if (offset > fileSize - length)
            throw r.Error(start, $"{label} needs bytes {offset}..{offset + length} of '{location}', which has {fileSize} bytes: truncated data file?");
        return (location, length);
    }

    private static long? ParseEntry(ProtoReader r, long start, string label, Dictionary<string, string> info, string key)
    {
        if (!info.TryGetValue(key, out var text)) return null;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw r.Error(start, $"{label} has external '{key}' = '{text}'; expected a non-negative integer");
    }

    private static (string Key, string Value) ReadEntry(ProtoReader r, long end)
    {
        string key = "", value = "";
        foreach (var field in Field.All(r, end))
        {
            if (field.Number == F.StringStringEntry.Key) key = field.String("StringStringEntryProto.key");
            else if (field.Number == F.StringStringEntry.Value) value = field.String("StringStringEntryProto.value");
            else field.Skip("StringStringEntryProto");
        }
        return (key, value);
    }

    /// <summary>ValueInfoProto -> name, tensor element type and dims; non-tensor types keep only the name.</summary>
    private static OnnxValueInfo ReadValueInfo(ProtoReader r, long end)
    {
        string name = "";
        var type = OnnxDataType.Undefined;
        List<OnnxDim>? shape = null;
        foreach (var field in Field.All(r, end))
        {
            if (field.Number == F.ValueInfo.Name) name = field.String("ValueInfoProto.name");
            else if (field.Number == F.ValueInfo.Type) (type, shape) = ReadType(r, field.Message("ValueInfoProto.type"));
            else field.Skip("ValueInfoProto");
        }
        return new OnnxValueInfo(name, type, shape);
    }

    /// <summary>TypeProto -> TypeProto.Tensor's element type and shape.</summary>
    private static (OnnxDataType, List<OnnxDim>?) ReadType(ProtoReader r, long end)
    {
        var type = OnnxDataType.Undefined;
        List<OnnxDim>? shape = null;
        foreach (var field in Field.All(r, end))
        {
            if (field.Number != F.TypeProto.TensorType) { field.Skip("TypeProto"); continue; }
            foreach (var inner in Field.All(r, field.Message("TypeProto.tensor_type")))
            {
                if (inner.Number == F.TensorType.ElemType) type = (OnnxDataType)(int)inner.Varint("TypeProto.Tensor.elem_type");
                else if (inner.Number == F.TensorType.Shape) shape = ReadShape(r, inner.Message("TypeProto.Tensor.shape"));
                else inner.Skip("TypeProto.Tensor");
            }
        }
        return (type, shape);
    }

    private static List<OnnxDim> ReadShape(ProtoReader r, long end)
    {
        List<OnnxDim> dims = [];
        foreach (var field in Field.All(r, end))
        {
            if (field.Number != F.TensorShape.Dim) { field.Skip("TensorShapeProto"); continue; }
            OnnxDim dim = default;
            foreach (var inner in Field.All(r, field.Message("TensorShapeProto.dim")))
            {
                if (inner.Number == F.Dimension.DimValue) dim = inner.Varint("Dimension.dim_value");
                else if (inner.Number == F.Dimension.DimParam) dim = inner.String("Dimension.dim_param");
                else inner.Skip("Dimension");
            }
            dims.Add(dim);
        }
        return dims;
    }

    /// <summary>
    /// One field of a message being read: its number, wire type and where its tag starts. The typed
    /// reads check the wire type first, so a field of the wrong kind is reported, not misread.
    /// </summary>
    private readonly record struct Field(ProtoReader R, int Number, WireType Wire, long At, long End)
    {
        /// <summary>The fields of the message ending at <paramref name="end"/>; read each one's payload before the next.</summary>
        public static IEnumerable<Field> All(ProtoReader r, long end)
        {
            while (true)
            {
                long at = r.Position;
                if (!r.TryReadTag(end, out int number, out var wire)) yield break;
                yield return new Field(r, number, wire, at, end);
            }
        }

        public long Varint(string what)
        {
            Expect(WireType.Varint, what);
            return (long)R.ReadVarint(End);
        }

        public string String(string what)
        {
            Expect(WireType.LengthDelimited, what);
            return R.ReadString(End, what);
        }

        /// <summary>Enters a nested message; returns the offset where it ends.</summary>
        public long Message(string what)
        {
            Expect(WireType.LengthDelimited, what);
            return R.ReadLength(End, what);
        }

        /// <summary>Skips a bytes field; returns its length.</summary>
        public long Bytes(string what)
        {
            long end = Message(what);
            long length = end - R.Position;
            R.Seek(end);
            return length;
        }

        /// <summary>Skips a field this reader has no use for.</summary>
        public void Skip(string message) => R.SkipField(Wire, End, $"{message} field {Number}");

        private void Expect(WireType expected, string what)
        {
            if (Wire != expected) throw R.Error(At, $"{what} (field {Number}) has wire type {Wire}, expected {expected}: not an ONNX model?");
        }
    }
}
