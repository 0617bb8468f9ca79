using System.Buffers;
using GptPlayground.Onnx.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace GptPlayground.Onnx.Tests;

/// <summary>The protobuf encoding and the ONNX object model write files that ONNX Runtime runs.</summary>
public sealed class OnnxWriterTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(0L, new byte[] { 0x00 })]
    [InlineData(1L, new byte[] { 0x01 })]
    [InlineData(127L, new byte[] { 0x7F })]
    [InlineData(300L, new byte[] { 0xAC, 0x02 })]
    [InlineData(-1L, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    public void Varints_use_7_bits_per_byte_and_ten_bytes_for_negatives(long value, byte[] expected)
    {
        var buffer = new ArrayBufferWriter<byte>();

        ProtoWriter.WriteVarint(buffer, (ulong)value);

        Assert.Equal(expected, buffer.WrittenSpan.ToArray());
        Assert.Equal(expected.Length, ProtoWriter.VarintSize((ulong)value));
    }

    [Fact]
    public void Nested_messages_and_streamed_payloads_are_length_prefixed()
    {
        var inner = new ProtoMessage().Int64(1, 150);                                       // 08 96 01
        var message = new ProtoMessage()
            .Message(3, inner)                                                              // 1a 03 ...
            .Bytes(4, 2, s => s.Write([0xAA, 0xBB]))                                        // 22 02 aa bb
            .String(2, "hi");                                                               // 12 02 68 69
        var output = new MemoryStream();

        message.WriteTo(output);

        Assert.Equal(new byte[] { 0x1A, 0x03, 0x08, 0x96, 0x01, 0x22, 0x02, 0xAA, 0xBB, 0x12, 0x02, 0x68, 0x69 }, output.ToArray());
        Assert.Equal(output.Length, message.Size);
    }

    [Fact]
    public void Payload_writing_the_wrong_byte_count_throws()
    {
        var message = new ProtoMessage().Bytes(9, 4, s => s.Write([1, 2, 3]));

        var error = Assert.Throws<InvalidOperationException>(() => message.WriteTo(new MemoryStream()));

        Assert.Contains("produced 3 bytes, 4 were declared", error.Message);
    }

    /// <summary>y = If(flip, -(x @ w), x @ w), then LeakyRelu(alpha 0.5) and Transpose: every attribute kind once.</summary>
    private static OnnxModel HandBuiltModel()
    {
        var g = new OnnxGraph("hand_built");
        g.Inputs.Add(new OnnxValueInfo("x", OnnxDataType.Float, ["batch", 16]));
        g.Inputs.Add(new OnnxValueInfo("flip", OnnxDataType.Bool, [1]));
        var identityTimesTwo = new float[16 * 16];
        for (int i = 0; i < 16; i++) identityTimesTwo[i * 16 + i] = 2;
        g.Initializers.Add(OnnxTensor.FromFloat("w", [16, 16], identityTimesTwo));   // 1 KiB: goes external when asked
        string xw = g.Node("MatMul", ["x", "w"]);

        var keep = new OnnxGraph("keep") { Scope = "/keep/" };
        keep.Outputs.Add(new OnnxValueInfo(keep.Node("Identity", [xw]), OnnxDataType.Float, null));
        var negate = new OnnxGraph("negate") { Scope = "/negate/" };
        string minusOne = negate.Node("Constant", [], OnnxAttribute.Tensor("value", OnnxTensor.FromFloat("v", [], -1f)));
        negate.Outputs.Add(new OnnxValueInfo(negate.Node("Mul", [xw, minusOne]), OnnxDataType.Float, null));

        string chosen = g.Node("If", ["flip"], OnnxAttribute.Graph("then_branch", negate), OnnxAttribute.Graph("else_branch", keep));
        string leaky = g.Node("LeakyRelu", [chosen], OnnxAttribute.Float("alpha", 0.5f));
        string transposed = g.Node("Transpose", [leaky], OnnxAttribute.Ints("perm", 1, 0));
        g.Outputs.Add(new OnnxValueInfo(g.Rename(transposed, "y"), OnnxDataType.Float, [16, "batch"]));
        return new OnnxModel(g);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Hand_built_graph_runs_in_onnx_runtime(bool externalData)
    {
        string path = _dir["hand.onnx"];
        string? dataPath = HandBuiltModel().Save(path, externalData);
        using var session = new InferenceSession(path);
        var x = Enumerable.Range(0, 16).Select(i => i - 8f).ToArray();

        float[] Run(bool flip)
        {
            using var xValue = OrtValue.CreateTensorValueFromMemory(x, [1, 16]);
            using var flipValue = OrtValue.CreateTensorValueFromMemory(new[] { flip }, [1]);
            using var outputs = session.Run(new RunOptions(), new Dictionary<string, OrtValue> { ["x"] = xValue, ["flip"] = flipValue }, ["y"]);
            Assert.Equal([16, 1], outputs[0].GetTensorTypeAndShape().Shape);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }

        Assert.Equal(x.Select(v => v > 0 ? 2 * v : v), Run(flip: false));     // 2x, negatives halved
        Assert.Equal(x.Select(v => v < 0 ? -2 * v : -v), Run(flip: true));    // -2x, negatives halved
        Assert.Equal(externalData, dataPath is not null);
        var info = OnnxModelInfo.Read(path);
        Assert.Equal(externalData ? 1024 : 0, info.ExternalBytes);
        Assert.Equal(["x", "flip"], info.Inputs.Select(i => i.Name));
        Assert.Equal("y: float[16, batch]", info.Outputs.Single().ToString());
    }

    [Fact]
    public void Tensor_bytes_must_match_dims_and_type()
    {
        var error = Assert.Throws<ArgumentException>(() => OnnxTensor.FromBytes("t", OnnxDataType.Float16, [3], new byte[4]));

        Assert.Contains("4 bytes given, Float16[3] needs 6", error.Message);
    }
}
