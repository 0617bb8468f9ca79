namespace GptPlayground.Onnx;

/// <summary>
/// A node attribute (ONNX <c>AttributeProto</c>): exactly one of int, float, ints, string, tensor or graph.
/// Create with the static factories: <c>OnnxAttribute.Int("axis", -1)</c>.
/// </summary>
public sealed record OnnxAttribute
{
    private OnnxAttribute(string name) => Name = name;

    /// <summary>The attribute's name, as the operator's spec spells it.</summary>
    public string Name { get; }

    /// <summary>The value: <see cref="long"/>, <see cref="float"/>, <c>long[]</c>, <see cref="string"/>, <see cref="OnnxTensor"/> or <see cref="OnnxGraph"/>.</summary>
    public object Value { get; private init; } = null!;

    public static OnnxAttribute Int(string name, long value) => new(name) { Value = value };
    public static OnnxAttribute Float(string name, float value) => new(name) { Value = value };
    public static OnnxAttribute Ints(string name, params long[] values) => new(name) { Value = values };
    public static OnnxAttribute String(string name, string value) => new(name) { Value = value };
    public static OnnxAttribute Tensor(string name, OnnxTensor value) => new(name) { Value = value };
    public static OnnxAttribute Graph(string name, OnnxGraph value) => new(name) { Value = value };
}

/// <summary>
/// One operator application (ONNX <c>NodeProto</c>). Inputs and outputs are tensor names; an empty
/// input name means "optional input left out".
/// </summary>
/// <param name="OpType">Operator name, e.g. "MatMul".</param>
/// <param name="Inputs">Input tensor names, in the operator's order.</param>
/// <param name="Outputs">Output tensor names.</param>
/// <param name="Name">Node name (shows up in ONNX Runtime errors and profiles).</param>
/// <param name="Attributes">Attributes; none by default.</param>
/// <param name="Domain">Operator domain; "" is the default ai.onnx domain.</param>
public sealed record OnnxNode(string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
    string Name, IReadOnlyList<OnnxAttribute>? Attributes = null, string Domain = "");
