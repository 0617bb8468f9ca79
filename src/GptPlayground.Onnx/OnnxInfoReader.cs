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

    /// <summary>What one initializer's header says.</summary>
    private sealed record TensorFacts(string Name, OnnxDataType Type, long Elements, long Bytes, string? ExternalFile);

    public OnnxModelInfo Read()
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);   // ProtoReader buffers
        using var r = new ProtoReader(stream, path);
        if (r.Length == 0) throw new OnnxFormatException(path, 0, "empty file; expected an ONNX model (a protobuf ModelProto)");

        long? irVersion = null;
        string producerName = "", producerVersion = "";
        var opsets = new Dictionary<string, long>();
        (string Name, int Nodes, List<TensorFacts> Initializers, List<OnnxValueInfo> Inputs, List<OnnxValueInfo> Outputs)? graph = null;
        long end = r.Length;
        while (Next(r, end, out int field, out var wire, out long at))
        {
            switch (field)
            {
                case F.Model.IrVersion:
                    Expect(r, at, wire, WireType.Varint, "ModelProto.ir_version");
                    irVersion = (long)r.ReadVarint(end);
                    break;
                case F.Model.ProducerName:
                    Expect(r, at, wire, WireType.LengthDelimited, "ModelProto.producer_name");
                    producerName = r.ReadString(end, "ModelProto.producer_name");
                    break;
                case F.Model.ProducerVersion:
                    Expect(r, at, wire, WireType.LengthDelimited, "ModelProto.producer_version");
                    producerVersion = r.ReadString(end, "ModelProto.producer_version");
                    break;
                case F.Model.OpsetImport:
                    Expect(r, at, wire, WireType.LengthDelimited, "ModelProto.opset_import");
                    var (domain, version) = ReadOpset(r, r.ReadLength(end, "ModelProto.opset_import"));
                    opsets[domain] = version;
                    break;
                case F.Model.Graph:
                    Expect(r, at, wire, WireType.LengthDelimited, "ModelProto.graph");
                    graph = ReadGraph(r, r.ReadLength(end, "ModelProto.graph"));
                    break;
                default:
                    r.SkipField(wire, end, $"ModelProto field {field}");
                    break;
            }
        }

        if (irVersion is null) throw new OnnxFormatException(path, -1, "no ir_version (ModelProto field 1): not an ONNX model");
        if (graph is not { } g) throw new OnnxFormatException(path, -1, "no graph (ModelProto field 7): not an ONNX model, or a model without a graph");

        var initializerNames = g.Initializers.Select(t => t.Name).ToHashSet();
        return new OnnxModelInfo
        {
            Path = path,
            IrVersion = irVersion.Value,
            Opsets = opsets,
            ProducerName = producerName,
            ProducerVersion = producerVersion,
            GraphName = g.Name,
            NodeCount = g.Nodes,
            Inputs = g.Inputs.Where(i => !initializerNames.Contains(i.Name)).ToList(),
            Outputs = g.Outputs,
            InitializerCount = g.Initializers.Count,
            ParameterCount = g.Initializers.Sum(t => t.Elements),
            InitializerBytes = g.Initializers.Sum(t => t.Bytes),
            ExternalBytes = g.Initializers.Where(t => t.ExternalFile is not null).Sum(t => t.Bytes),
            ExternalFiles = g.Initializers.Select(t => t.ExternalFile).OfType<string>().Distinct().ToList(),
            InitializersByType = g.Initializers.GroupBy(t => t.Type).OrderBy(t => t.Key).ToDictionary(
                t => t.Key, t => new OnnxTypeTally(t.Count(), t.Sum(x => x.Elements), t.Sum(x => x.Bytes))),
        };
    }

    /// <summary>Reads the next tag of a message ending at <paramref name="end"/>, noting where it starts.</summary>
    private static bool Next(ProtoReader r, long end, out int field, out WireType wire, out long at)
    {
        at = r.Position;
        return r.TryReadTag(end, out field, out wire);
    }

    private static void Expect(ProtoReader r, long at, WireType actual, WireType expected, string what)
    {
        if (actual != expected) throw r.Error(at, $"{what} has wire type {actual}, expected {expected}: not an ONNX model?");
    }

    private static (string Domain, long Version) ReadOpset(ProtoReader r, long end)
    {
        string domain = "";
        long version = 0;
        while (Next(r, end, out int field, out var wire, out long at))
        {
            if (field == F.OperatorSetId.Domain) { Expect(r, at, wire, WireType.LengthDelimited, "OperatorSetIdProto.domain"); domain = r.ReadString(end, "OperatorSetIdProto.domain"); }
            else if (field == F.OperatorSetId.Version) { Expect(r, at, wire, WireType.Varint, "OperatorSetIdProto.version"); version = (long)r.ReadVarint(end); }
            else r.SkipField(wire, end, $"OperatorSetIdProto field {field}");
        }
        return (domain, version);
    }

    private (string, int, List<TensorFacts>, List<OnnxValueInfo>, List<OnnxValueInfo>) ReadGraph(ProtoReader r, long end)
    {
        string name = "";
        int nodes = 0;
        List<TensorFacts> initializers = [];
        List<OnnxValueInfo> inputs = [], outputs = [];
        while (Next(r, end, out int field, out var wire, out long at))
        {
            switch (field)
            {
                case F.Graph.Node:
                    Expect(r, at, wire, WireType.LengthDelimited, "GraphProto.node");
                    r.Seek(r.ReadLength(end, "GraphProto.node"));
                    nodes++;
                    break;
                case F.Graph.Name:
                    Expect(r, at, wire, WireType.LengthDelimited, "GraphProto.name");
                    name = r.ReadString(end, "GraphProto.name");
                    break;
                case F.Graph.Initializer:
                    Expect(r, at, wire, WireType.LengthDelimited, "GraphProto.initializer");
                    initializers.Add(ReadTensor(r, r.ReadLength(end, "GraphProto.initializer"), at));
                    break;
                case F.Graph.Input or F.Graph.Output:
                    string what = field == F.Graph.Input ? "GraphProto.input" : "GraphProto.output";
                    Expect(r, at, wire, WireType.LengthDelimited, what);
                    (field == F.Graph.Input ? inputs : outputs).Add(ReadValueInfo(r, r.ReadLength(end, what)));
                    break;
                default:
                    r.SkipField(wire, end, $"GraphProto field {field}");
                    break;
            }
        }
        return (name, nodes, initializers, inputs, outputs);
    }

    private TensorFacts ReadTensor(ProtoReader r, long end, long start)
    {
        List<long> dims = [];
        var type = OnnxDataType.Undefined;
        string name = "";
        long? rawBytes = null;
        long stringBytes = 0;
        bool external = false;
        Dictionary<string, string> externalInfo = [];
        while (Next(r, end, out int field, out var wire, out long at))
        {
            switch (field)
            {
                case F.Tensor.Dims when wire == WireType.Varint:
                    dims.Add((long)r.ReadVarint(end));
                    break;
                case F.Tensor.Dims:   // packed
                    Expect(r, at, wire, WireType.LengthDelimited, "TensorProto.dims");
                    long dimsEnd = r.ReadLength(end, "TensorProto.dims");
                    while (r.Position < dimsEnd) dims.Add((long)r.ReadVarint(dimsEnd));
                    break;
                case F.Tensor.DataType:
                    Expect(r, at, wire, WireType.Varint, "TensorProto.data_type");
                    type = (OnnxDataType)(int)r.ReadVarint(end);
                    break;
                case F.Tensor.Name:
                    Expect(r, at, wire, WireType.LengthDelimited, "TensorProto.name");
                    name = r.ReadString(end, "TensorProto.name");
                    break;
                case F.Tensor.RawData:
                    Expect(r, at, wire, WireType.LengthDelimited, "TensorProto.raw_data");
                    long rawEnd = r.ReadLength(end, "TensorProto.raw_data");
                    rawBytes = rawEnd - r.Position;
                    r.Seek(rawEnd);
                    break;
                case F.Tensor.StringData:
                    Expect(r, at, wire, WireType.LengthDelimited, "TensorProto.string_data");
                    long stringEnd = r.ReadLength(end, "TensorProto.string_data");
                    stringBytes += stringEnd - r.Position;
                    r.Seek(stringEnd);
                    break;
                case F.Tensor.ExternalData:
                    Expect(r, at, wire, WireType.LengthDelimited, "TensorProto.external_data");
                    var (key, value) = ReadEntry(r, r.ReadLength(end, "TensorProto.external_data"));
                    externalInfo[key] = value;
                    break;
                case F.Tensor.DataLocation:
                    Expect(r, at, wire, WireType.Varint, "TensorProto.data_location");
                    external = r.ReadVarint(end) == F.DataLocationExternal;
                    break;
                default:   // typed data fields (float_data, int64_data...) and the rest: their size follows from dims
                    r.SkipField(wire, end, $"TensorProto field {field}");
                    break;
            }
        }

        string label = $"initializer '{name}'";
        long elements = 1;
        foreach (long d in dims)
        {
            if (d < 0) throw r.Error(start, $"{label} has dimension {d}; dims must be >= 0");
            try { elements = checked(elements * d); }
            catch (OverflowException) { throw r.Error(start, $"{label} has dims [{string.Join(", ", dims)}] whose product overflows int64"); }
        }
        long? expectedBytes = type.ByteLength(elements);
        if (external)
        {
            var (file, bytes) = CheckExternal(r, start, label, externalInfo, expectedBytes);
            return new TensorFacts(name, type, elements, bytes, file);
        }
        if (rawBytes is { } raw && expectedBytes is { } expected && raw != expected)
            throw r.Error(start, $"{label} ({type}[{string.Join(", ", dims)}]) needs {expected} bytes of raw_data, it has {raw}");
        return new TensorFacts(name, type, elements, rawBytes ?? expectedBytes ?? stringBytes, null);
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
        while (Next(r, end, out int field, out var wire, out long at))
        {
            if (field == F.StringStringEntry.Key) { Expect(r, at, wire, WireType.LengthDelimited, "StringStringEntryProto.key"); key = r.ReadString(end, "StringStringEntryProto.key"); }
            else if (field == F.StringStringEntry.Value) { Expect(r, at, wire, WireType.LengthDelimited, "StringStringEntryProto.value"); value = r.ReadString(end, "StringStringEntryProto.value"); }
            else r.SkipField(wire, end, $"StringStringEntryProto field {field}");
        }
        return (key, value);
    }

    /// <summary>ValueInfoProto -> name, tensor element type and dims; non-tensor types keep only the name.</summary>
    private static OnnxValueInfo ReadValueInfo(ProtoReader r, long end)
    {
        string name = "";
        var type = OnnxDataType.Undefined;
        List<OnnxDim>? shape = null;
        while (Next(r, end, out int field, out var wire, out long at))
        {
            if (field == F.ValueInfo.Name) { Expect(r, at, wire, WireType.LengthDelimited, "ValueInfoProto.name"); name = r.ReadString(end, "ValueInfoProto.name"); }
            else if (field == F.ValueInfo.Type) { Expect(r, at, wire, WireType.LengthDelimited, "ValueInfoProto.type"); (type, shape) = ReadType(r, r.ReadLength(end, "ValueInfoProto.type")); }
            else r.SkipField(wire, end, $"ValueInfoProto field {field}");
        }
        return new OnnxValueInfo(name, type, shape);
    }

    private static (OnnxDataType, List<OnnxDim>?) ReadType(ProtoReader r, long end)
    {
        var type = OnnxDataType.Undefined;
        List<OnnxDim>? shape = null;
        while (Next(r, end, out int field, out var wire, out long at))
        {
            if (field != F.TypeProto.TensorType) { r.SkipField(wire, end, $"TypeProto field {field}"); continue; }
            Expect(r, at, wire, WireType.LengthDelimited, "TypeProto.tensor_type");
            long tensorEnd = r.ReadLength(end, "TypeProto.tensor_type");
            while (Next(r, tensorEnd, out int f, out var w, out long a))
            {
                if (f == F.TensorType.ElemType) { Expect(r, a, w, WireType.Varint, "TypeProto.Tensor.elem_type"); type = (OnnxDataType)(int)r.ReadVarint(tensorEnd); }
                else if (f == F.TensorType.Shape) { Expect(r, a, w, WireType.LengthDelimited, "TypeProto.Tensor.shape"); shape = ReadShape(r, r.ReadLength(tensorEnd, "TypeProto.Tensor.shape")); }
                else r.SkipField(w, tensorEnd, $"TypeProto.Tensor field {f}");
            }
        }
        return (type, shape);
    }

    private static List<OnnxDim> ReadShape(ProtoReader r, long end)
    {
        List<OnnxDim> dims = [];
        while (Next(r, end, out int field, out var wire, out long at))
        {
            if (field != F.TensorShape.Dim) { r.SkipField(wire, end, $"TensorShapeProto field {field}"); continue; }
            Expect(r, at, wire, WireType.LengthDelimited, "TensorShapeProto.dim");
            long dimEnd = r.ReadLength(end, "TensorShapeProto.dim");
            OnnxDim dim = default;
            while (Next(r, dimEnd, out int f, out var w, out long a))
            {
                if (f == F.Dimension.DimValue) { Expect(r, a, w, WireType.Varint, "Dimension.dim_value"); dim = (long)r.ReadVarint(dimEnd); }
                else if (f == F.Dimension.DimParam) { Expect(r, a, w, WireType.LengthDelimited, "Dimension.dim_param"); dim = r.ReadString(dimEnd, "Dimension.dim_param"); }
                else r.SkipField(w, dimEnd, $"Dimension field {f}");
            }
            dims.Add(dim);
        }
        return dims;
    }
}
