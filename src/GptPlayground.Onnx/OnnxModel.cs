using GptPlayground.Onnx.Protobuf;
using F = GptPlayground.Onnx.OnnxFields;

namespace GptPlayground.Onnx;

/// <summary>
/// An ONNX model to write (ONNX <c>ModelProto</c>): a graph plus the versions that say how to read it.
/// <see cref="Save"/> streams it to disk, with the weights inline or in a <c>.onnx.data</c> file beside it.
/// </summary>
public sealed class OnnxModel(OnnxGraph graph)
{
    /// <summary>Initializers smaller than this stay inline even with external data (ONNX's own default threshold).</summary>
    public const long ExternalThresholdBytes = 1024;

    /// <summary>Tensors of at least 1 MiB start at a multiple of this in the data file, so they can be memory-mapped in place.</summary>
    public const long ExternalAlignment = 4096;

    /// <summary>Protobuf caps a message at 2 GiB; larger weights must go to external data.</summary>
    public const long MaxInlineBytes = int.MaxValue;

    /// <summary>The main graph.</summary>
    public OnnxGraph Graph { get; } = graph;

    /// <summary>IR (file format) version; 8 (ONNX 1.10+) is readable by every ONNX Runtime since 1.10.</summary>
    public long IrVersion { get; init; } = 8;

    /// <summary>Operator set per domain ("" = ai.onnx); default ai.onnx 17, which has LayerNormalization.</summary>
    public IReadOnlyDictionary<string, long> Opsets { get; init; } = new Dictionary<string, long> { [""] = 17 };

    /// <summary>Tool that wrote the file.</summary>
    public string ProducerName { get; init; } = "gptplayground";

    /// <summary>Version of the tool that wrote the file.</summary>
    public string ProducerVersion { get; init; } = typeof(OnnxModel).Assembly.GetName().Version?.ToString(3) ?? "0";

    /// <summary>Free-text description stored in the file.</summary>
    public string? DocString { get; init; }

    /// <summary>
    /// Writes the model to <paramref name="path"/>. With <paramref name="externalData"/>, every initializer
    /// of at least <see cref="ExternalThresholdBytes"/> goes to <c>path + ".data"</c> (ONNX external data:
    /// <c>data_location=EXTERNAL</c>, <c>location/offset/length</c>), which ONNX Runtime loads from beside the model.
    /// Without it, a stale <c>.data</c> file of the same name is deleted.
    /// </summary>
    /// <returns>The data file's path, or null when everything is inline.</returns>
    /// <exception cref="InvalidOperationException">Inline weights over 2 GiB (use external data), or a tensor's data callback wrote the wrong number of bytes.</exception>
    public string? Save(string path, bool externalData = false)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian; this writer needs a little-endian machine");
        string dataPath = path + ".data";
        var placement = externalData ? PlaceExternal(Path.GetFileName(dataPath)) : [];
        long inlineBytes = Graph.Initializers.Where(t => !placement.ContainsKey(t)).Sum(t => t.ByteLength);
        if (inlineBytes > MaxInlineBytes)
            throw new InvalidOperationException($"{path}: {inlineBytes} bytes of inline weights exceed protobuf's 2 GiB limit; save with external data");

        var proto = EncodeModel(placement);
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            proto.WriteTo(file);

        if (!externalData)
        {
            File.Delete(dataPath);
            return null;
        }
        using (var data = new FileStream(dataPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            foreach (var (tensor, (_, offset, _)) in placement.OrderBy(p => p.Value.Offset))
            {
                data.Write(new byte[offset - data.Position]);   // alignment padding
                ProtoMessage.WritePayload(data, tensor.ByteLength, tensor.WriteData);
            }
        }
        return dataPath;
    }

    /// <summary>Where each external tensor goes in the data file, in initializer order.</summary>
    private Dictionary<OnnxTensor, (string Location, long Offset, long Length)> PlaceExternal(string location)
    {
        var placement = new Dictionary<OnnxTensor, (string, long, long)>(ReferenceEqualityComparer.Instance);
        long offset = 0;
        foreach (var tensor in Graph.Initializers.Where(t => t.ByteLength >= ExternalThresholdBytes))
        {
            if (tensor.ByteLength >= 1 << 20)
                offset = (offset + ExternalAlignment - 1) / ExternalAlignment * ExternalAlignment;
            placement[tensor] = (location, offset, tensor.ByteLength);
            offset += tensor.ByteLength;
        }
        return placement;
    }

    private ProtoMessage EncodeModel(Dictionary<OnnxTensor, (string Location, long Offset, long Length)> external)
    {
        var model = new ProtoMessage()
            .Int64(F.Model.IrVersion, IrVersion)
            .String(F.Model.ProducerName, ProducerName)
            .String(F.Model.ProducerVersion, ProducerVersion);
        if (DocString is not null) model.String(F.Model.DocString, DocString);
        model.Message(F.Model.Graph, EncodeGraph(Graph, external));
        foreach (var (domain, version) in Opsets.OrderBy(o => o.Key, StringComparer.Ordinal))
            model.Message(F.Model.OpsetImport, new ProtoMessage().String(F.OperatorSetId.Domain, domain).Int64(F.OperatorSetId.Version, version));
        return model;
    }

    private static ProtoMessage EncodeGraph(OnnxGraph graph, Dictionary<OnnxTensor, (string Location, long Offset, long Length)> external)
    {
        var proto = new ProtoMessage();
        foreach (var node in graph.Nodes) proto.Message(F.Graph.Node, EncodeNode(node, external));
        proto.String(F.Graph.Name, graph.Name);
        foreach (var tensor in graph.Initializers)
            proto.Message(F.Graph.Initializer, EncodeTensor(tensor, external.TryGetValue(tensor, out var where) ? where : null));
        foreach (var input in graph.Inputs) proto.Message(F.Graph.Input, EncodeValueInfo(input));
        foreach (var output in graph.Outputs) proto.Message(F.Graph.Output, EncodeValueInfo(output));
        return proto;
    }

    private static ProtoMessage EncodeNode(OnnxNode node, Dictionary<OnnxTensor, (string Location, long Offset, long Length)> external)
    {
        var proto = new ProtoMessage();
        foreach (var input in node.Inputs) proto.String(F.Node.Input, input);
        foreach (var output in node.Outputs) proto.String(F.Node.Output, output);
        proto.String(F.Node.Name, node.Name).String(F.Node.OpType, node.OpType);
        foreach (var attribute in node.Attributes ?? []) proto.Message(F.Node.Attribute, EncodeAttribute(attribute, external));
        if (node.Domain.Length > 0) proto.String(F.Node.Domain, node.Domain);
        return proto;
    }

    private static ProtoMessage EncodeAttribute(OnnxAttribute attribute, Dictionary<OnnxTensor, (string Location, long Offset, long Length)> external)
    {
        var proto = new ProtoMessage().String(F.Attribute.Name, attribute.Name);
        return attribute.Value switch
        {
            long i => proto.Int64(F.Attribute.I, i).Int64(F.Attribute.Type, F.AttributeType.Int),
            float f => proto.Float(F.Attribute.F, f).Int64(F.Attribute.Type, F.AttributeType.Float),
            long[] ints => proto.PackedInt64(F.Attribute.Ints, ints).Int64(F.Attribute.Type, F.AttributeType.Ints),
            string s => proto.String(F.Attribute.S, s).Int64(F.Attribute.Type, F.AttributeType.String),
            OnnxTensor t => proto.Message(F.Attribute.T, EncodeTensor(t, null)).Int64(F.Attribute.Type, F.AttributeType.Tensor),
            OnnxGraph g => proto.Message(F.Attribute.G, EncodeGraph(g, external)).Int64(F.Attribute.Type, F.AttributeType.Graph),
            _ => throw new InvalidOperationException($"attribute '{attribute.Name}' has an unsupported value {attribute.Value.GetType().Name}"),
        };
    }

    /// <summary>A TensorProto with raw_data, or with external_data entries when <paramref name="external"/> is set.</summary>
    private static ProtoMessage EncodeTensor(OnnxTensor tensor, (string Location, long Offset, long Length)? external)
    {
        var proto = new ProtoMessage()
            .PackedInt64(F.Tensor.Dims, tensor.Dims.ToArray())
            .Int64(F.Tensor.DataType, (long)tensor.Type)
            .String(F.Tensor.Name, tensor.Name);
        if (external is not { } where)
            return proto.Bytes(F.Tensor.RawData, tensor.ByteLength, tensor.WriteData);
        foreach (var (key, value) in new[] { ("location", where.Location), ("offset", where.Offset.ToString()), ("length", where.Length.ToString()) })
            proto.Message(F.Tensor.ExternalData, new ProtoMessage().String(F.StringStringEntry.Key, key).String(F.StringStringEntry.Value, value));
        return proto.Int64(F.Tensor.DataLocation, F.DataLocationExternal);
    }

    private static ProtoMessage EncodeValueInfo(OnnxValueInfo info)
    {
        var tensorType = new ProtoMessage().Int64(F.TensorType.ElemType, (long)info.Type);
        if (info.Shape is not null)
        {
            var shape = new ProtoMessage();
            foreach (var dim in info.Shape)
            {
                var d = new ProtoMessage();
                if (dim.Value is { } v) d.Int64(F.Dimension.DimValue, v);
                else if (dim.Param is { } p) d.String(F.Dimension.DimParam, p);
                shape.Message(F.TensorShape.Dim, d);
            }
            tensorType.Message(F.TensorType.Shape, shape);
        }
        return new ProtoMessage()
            .String(F.ValueInfo.Name, info.Name)
            .Message(F.ValueInfo.Type, new ProtoMessage().Message(F.TypeProto.TensorType, tensorType));
    }
}
