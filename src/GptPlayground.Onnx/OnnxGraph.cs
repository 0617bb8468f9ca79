namespace GptPlayground.Onnx;

/// <summary>
/// A computation graph (ONNX <c>GraphProto</c>): nodes in topological order, the initializers
/// (weights) they read, and the graph's inputs and outputs. Also used for the branches of an
/// <c>If</c> node, which may read any name of the graph around them.
/// </summary>
/// <example>
/// <code>
/// var g = new OnnxGraph("tiny");
/// g.Inputs.Add(new OnnxValueInfo("x", OnnxDataType.Float, ["batch", 4]));
/// g.Initializers.Add(OnnxTensor.FromFloat("w", [4, 2], 1, 0, 0, 1, 1, 0, 0, 1));
/// var y = g.Node("MatMul", ["x", "w"]);
/// g.Outputs.Add(new OnnxValueInfo(g.Rename(y, "y"), OnnxDataType.Float, ["batch", 2]));
/// </code>
/// </example>
public sealed class OnnxGraph(string name)
{
    private int _nextId;

    /// <summary>The graph's name.</summary>
    public string Name { get; } = name;

    /// <summary>Nodes, each after the nodes producing its inputs.</summary>
    public List<OnnxNode> Nodes { get; } = [];

    /// <summary>Constant tensors (weights), readable by name from every node, subgraphs included.</summary>
    public List<OnnxTensor> Initializers { get; } = [];

    /// <summary>Values fed by the caller, in order.</summary>
    public List<OnnxValueInfo> Inputs { get; } = [];

    /// <summary>Values returned to the caller, in order.</summary>
    public List<OnnxValueInfo> Outputs { get; } = [];

    /// <summary>
    /// Prefix of generated node and value names, e.g. "/h.3/attn/"; ONNX Runtime errors name nodes,
    /// so a prefix per block tells where a problem is.
    /// </summary>
    public string Scope { get; set; } = "/";

    /// <summary>Adds a node with one output, named after the scope and operator; returns the output's name.</summary>
    public string Node(string opType, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes) =>
        Node(opType, inputs, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputCount"/> generated output names; returns them.</summary>
    public string[] Node(string opType, IReadOnlyList<string> inputs, int outputCount, params OnnxAttribute[] attributes)
    {
        string name = $"{Scope}{opType}_{_nextId++}";
        var outputs = Enumerable.Range(0, outputCount).Select(i => $"{name}/output_{i}").ToArray();
        Nodes.Add(new OnnxNode(opType, inputs, outputs, name, attributes));
        return outputs;
    }

    /// <summary>
    /// Renames the value <paramref name="value"/> produced by a node of this graph to <paramref name="newName"/>
    /// (for graph outputs, whose names are part of the model's interface); returns the new name.
    /// </summary>
    /// <exception cref="ArgumentException">No node of this graph produces <paramref name="value"/>.</exception>
    public string Rename(string value, string newName)
    {
        int index = Nodes.FindLastIndex(n => n.Outputs.Contains(value));
        if (index < 0) throw new ArgumentException($"no node of graph '{Name}' outputs '{value}'", nameof(value));
        var node = Nodes[index];
        Nodes[index] = node with { Outputs = node.Outputs.Select(o => o == value ? newName : o).ToArray() };
        foreach (var (n, i) in Nodes.Select((n, i) => (n, i)).Skip(index + 1).ToList())
            if (n.Inputs.Contains(value))
                Nodes[i] = n with { Inputs = n.Inputs.Select(x => x == value ? newName : x).ToArray() };
        return newName;
    }
}
