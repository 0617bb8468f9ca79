using A = GptPlayground.Onnx.OnnxAttribute;

namespace GptPlayground.Onnx;

/// <summary>
/// Typed helpers that add one standard ONNX operator (opset 17) to a graph and return its output's
/// name, so a model reads like the math: <c>ops.Add(ops.MatMul(h, w), b)</c>. Constants become
/// Constant nodes (not initializers, which are kept for weights so they count as parameters)
/// and are shared within the graph.
/// </summary>
internal sealed class GraphOps(OnnxGraph graph)
{
    private readonly Dictionary<string, string> _constants = [];

    public OnnxGraph Graph => graph;

    // ---- constants ----

    /// <summary>A 1-D int64 constant: shapes, axes, split sizes.</summary>
    public string Ints(params long[] values) => Constant($"i64[{string.Join(",", values)}]", () => OnnxTensor.FromInt64("value", [values.Length], values));

    /// <summary>A scalar (0-D) int64 constant.</summary>
    public string Int(long value) => Constant($"i64 {value}", () => OnnxTensor.FromInt64("value", [], value));

    /// <summary>A scalar float constant.</summary>
    public string Float(float value) => Constant($"f32 {value:R}", () => OnnxTensor.FromFloat("value", [], value));

    private string Constant(string key, Func<OnnxTensor> tensor)
    {
        if (!_constants.TryGetValue(key, out var name))
            _constants[key] = name = graph.Node("Constant", [], A.Tensor("value", tensor()));
        return name;
    }

    // ---- element-wise ----

    public string Add(string a, string b) => graph.Node("Add", [a, b]);
    public string Sub(string a, string b) => graph.Node("Sub", [a, b]);
    public string Mul(string a, string b) => graph.Node("Mul", [a, b]);
    public string Pow(string a, string b) => graph.Node("Pow", [a, b]);
    public string Neg(string x) => graph.Node("Neg", [x]);
    public string Tanh(string x) => graph.Node("Tanh", [x]);
    public string And(string a, string b) => graph.Node("And", [a, b]);
    public string LessOrEqual(string a, string b) => graph.Node("LessOrEqual", [a, b]);
    public string Where(string condition, string whenTrue, string whenFalse) => graph.Node("Where", [condition, whenTrue, whenFalse]);
    public string Clip(string x, string min, string max) => graph.Node("Clip", [x, min, max]);
    public string Cast(string x, OnnxDataType to) => graph.Node("Cast", [x], A.Int("to", (long)to));
    public string Identity(string x) => graph.Node("Identity", [x]);

    // ---- linear algebra and normalization ----

    public string MatMul(string a, string b) => graph.Node("MatMul", [a, b]);

    /// <summary>a @ b^T for 2-D a, b (the transpose is a GEMM flag, not a copy).</summary>
    public string MatMulTransB(string a, string b) => graph.Node("Gemm", [a, b], A.Int("transB", 1));

    public string LayerNorm(string x, string gain, string bias, float epsilon) =>
        graph.Node("LayerNormalization", [x, gain, bias], A.Int("axis", -1), A.Float("epsilon", epsilon));

    public string Softmax(string x, long axis) => graph.Node("Softmax", [x], A.Int("axis", axis));

    // ---- shapes and indexing ----

    public string Reshape(string x, params long[] shape) => graph.Node("Reshape", [x, Ints(shape)]);
    public string Reshape(string x, string shape) => graph.Node("Reshape", [x, shape]);
    public string Transpose(string x, params long[] perm) => graph.Node("Transpose", [x], A.Ints("perm", perm));
    public string Unsqueeze(string x, params long[] axes) => graph.Node("Unsqueeze", [x, Ints(axes)]);
    public string Concat(long axis, params string[] inputs) => graph.Node("Concat", inputs, A.Int("axis", axis));
    public string[] Split(string x, long axis, params long[] sizes) => graph.Node("Split", [x, Ints(sizes)], sizes.Length, A.Int("axis", axis));
    public string Gather(string data, string indices, long axis = 0) => graph.Node("Gather", [data, indices], A.Int("axis", axis));

    /// <summary>x[starts:ends] along <paramref name="axes"/>; all three are 1-D int64 tensor names.</summary>
    public string Slice(string x, string starts, string ends, string axes) => graph.Node("Slice", [x, starts, ends, axes]);

    /// <summary>The shape of x as a 1-D int64 tensor, dims [start, end).</summary>
    public string Shape(string x, long start, long end) => graph.Node("Shape", [x], A.Int("start", start), A.Int("end", end));

    /// <summary>Dimension <paramref name="axis"/> of x as an int64 scalar.</summary>
    public string Dim(string x, long axis) => Gather(graph.Node("Shape", [x]), Int(axis));

    public string Range(string start, string limit, string delta) => graph.Node("Range", [start, limit, delta]);
    public string CumSum(string x, long axis) => graph.Node("CumSum", [x, Int(axis)]);

    /// <summary>An If node whose branches each output <paramref name="outputs"/> values.</summary>
    public string[] If(string condition, OnnxGraph thenBranch, OnnxGraph elseBranch, int outputs) =>
        graph.Node("If", [condition], outputs, A.Graph("then_branch", thenBranch), A.Graph("else_branch", elseBranch));
}
