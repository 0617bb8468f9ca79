using GptPlayground.Onnx.Protobuf;
using Microsoft.ML.OnnxRuntime;
using F = GptPlayground.Onnx.OnnxFields;

namespace GptPlayground.Onnx.Tests;

/// <summary>OnnxModelInfo reads model facts by walking the protobuf, and rejects broken files with OnnxFormatException.</summary>
public sealed class OnnxModelInfoTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Counts_the_shipped_models_tied_embedding_once_and_names_its_transposed_copy()
    {
        // issue 14, bug 10: the PyTorch export of models/playground-mini (v2) stores wte [4096, 256] and a transposed copy
        // [256, 4096] for the output MatMul; the training log says 4,273,664 parameters
        var model = Path.Combine(RepositoryRoot(), "models", "playground-mini", "model.onnx");

        var info = OnnxModelInfo.Read(model);

        var copy = Assert.Single(info.Copies);
        Assert.Equal("g.wte.weight", copy.CopyOf);
        Assert.True(copy.Transposed);
        Assert.Equal(4_273_664, info.ParameterCount);
        Assert.Equal((4_273_664L + 4096 * 256) * 4, info.InitializerBytes);   // the copy is still stored
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GptPlayground.sln"))) return dir.FullName;
        throw new InvalidOperationException("the tests run outside the checkout: models/playground-mini is not reachable");
    }

    [Theory]
    [MemberData(nameof(Variants.All), MemberType = typeof(Variants))]
    public void Counts_exactly_the_parameters_the_options_promise(string variant)
    {
        var options = Variants.Get(variant);
        var result = SynthGpt.Write(options, _dir.Path);

        var info = OnnxModelInfo.Read(result.ModelPath);

        var type = options.Fp16 ? OnnxDataType.Float16 : OnnxDataType.Float;
        Assert.Equal(options.ParameterCount, info.ParameterCount);
        Assert.Empty(info.Copies);   // tied embeddings share one initializer here; untied ones are different random matrices
        Assert.Equal(options.WeightBytes, info.InitializerBytes);
        var tally = Assert.Single(info.InitializersByType);
        Assert.Equal(type, tally.Key);
        Assert.Equal(options.ParameterCount, tally.Value.Elements);
        Assert.Equal(info.InitializerCount, tally.Value.Tensors);
        Assert.Equal(8, info.IrVersion);
        Assert.Equal(17, info.Opsets[""]);
        Assert.Equal("gptplayground", info.ProducerName);
        if (options.UsesExternalData)
        {
            Assert.Equal(["model.onnx.data"], info.ExternalFiles);
            Assert.True(info.ExternalBytes > options.WeightBytes * 9 / 10, $"only {info.ExternalBytes} of {options.WeightBytes} bytes external");
        }
        else
        {
            Assert.Empty(info.ExternalFiles);
            Assert.Equal(0, info.ExternalBytes);
        }
    }

    [Theory]
    [InlineData("optimum-external")]
    [InlineData("merged-fp16-gqa-int32")]
    [InlineData("legacy")]
    public void Lists_the_same_inputs_and_outputs_as_onnx_runtime(string variant)
    {
        var options = Variants.Get(variant);
        var result = SynthGpt.Write(options, _dir.Path);
        using var session = new InferenceSession(result.ModelPath);

        var info = OnnxModelInfo.Read(result.ModelPath);

        Assert.Equal(session.InputNames, info.Inputs.Select(i => i.Name));
        Assert.Equal(session.OutputNames, info.Outputs.Select(o => o.Name));
        var ids = info.Inputs[0];
        Assert.Equal(options.Int32Inputs ? OnnxDataType.Int32 : OnnxDataType.Int64, ids.Type);
        Assert.Equal("batch_size", ids.Shape![0].Param);
        var logits = info.Outputs[0];
        Assert.Equal(options.Vocab, logits.Shape![2].Value);
    }

    [Fact]
    public void Skips_inline_weights_instead_of_loading_them()
    {
        var options = Variants.Tiny with { Layers = 1, Hidden = 256, Vocab = 32000, ExternalData = false };   // ~37 MB inline
        var result = SynthGpt.Write(options, _dir.Path);
        long before = GC.GetAllocatedBytesForCurrentThread();

        var info = OnnxModelInfo.Read(result.ModelPath);

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(options.ParameterCount, info.ParameterCount);
        Assert.Equal(options.WeightBytes, info.InitializerBytes);
        Assert.True(new FileInfo(result.ModelPath).Length > options.WeightBytes);
        Assert.True(allocated < 1 << 20, $"reading allocated {allocated} bytes");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(200)]
    [InlineData(-1)]     // all but the last byte
    [InlineData(-40)]
    public void Truncated_file_throws_with_the_offset(int keep)
    {
        var result = SynthGpt.Write(Variants.Tiny, _dir["model"]);
        var bytes = File.ReadAllBytes(result.ModelPath);
        string path = _dir["truncated.onnx"];
        File.WriteAllBytes(path, bytes[..(keep > 0 ? keep : bytes.Length + keep)]);

        var error = Assert.Throws<OnnxFormatException>(() => OnnxModelInfo.Read(path));

        Assert.Equal(path, error.Path);
        Assert.Contains("truncated", error.Message);
        Assert.InRange(error.Offset, 0, bytes.Length);
    }

    public static TheoryData<string, byte[]> Garbage => new()
    {
        { "empty", [] },
        { "text", "hello, this is not a model\n"u8.ToArray() },
        { "zeros", new byte[64] },
        { "json", """{"model_type": "gpt2"}"""u8.ToArray() },
        { "group wire type", [0x0B, 0x0C] },
        { "endless varint", Enumerable.Repeat((byte)0xFF, 20).ToArray() },
        { "ir_version as string", [0x0A, 0x01, 0x41] },
        { "graph longer than file", [0x08, 0x08, 0x3A, 0xFF, 0xFF, 0x03] },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Garbage_throws_OnnxFormatException(string what, byte[] bytes)
    {
        string path = _dir[what + ".onnx"];
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<OnnxFormatException>(() => OnnxModelInfo.Read(path));

        Assert.StartsWith(path, error.Message);
    }

    [Fact]
    public void Random_bytes_and_corrupted_models_never_throw_anything_else()
    {
        var model = File.ReadAllBytes(SynthGpt.Write(Variants.Tiny, _dir["model"]).ModelPath);
        var random = new Random(42);
        string path = _dir["fuzz.onnx"];
        for (int i = 0; i < 300; i++)
        {
            byte[] bytes;
            if (i % 2 == 0)
            {
                bytes = new byte[random.Next(1, 2000)];
                random.NextBytes(bytes);
            }
            else
            {
                bytes = (byte[])model.Clone();
                for (int j = 0; j < 1 + i % 5; j++) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }
            File.WriteAllBytes(path, bytes);

            try { OnnxModelInfo.Read(path); }
            catch (OnnxFormatException) { }
        }
    }

    [Fact]
    public void Missing_or_short_external_data_file_throws()
    {
        var result = SynthGpt.Write(Variants.Tiny with { ExternalData = true }, _dir.Path);
        string data = result.ExternalDataPath!;
        var bytes = File.ReadAllBytes(data);

        File.WriteAllBytes(data, bytes[..(bytes.Length / 2)]);
        var shortFile = Assert.Throws<OnnxFormatException>(() => OnnxModelInfo.Read(result.ModelPath));
        File.Delete(data);
        var missing = Assert.Throws<OnnxFormatException>(() => OnnxModelInfo.Read(result.ModelPath));

        Assert.Contains("truncated data file", shortFile.Message);
        Assert.Contains("'model.onnx.data', which is missing", missing.Message);
    }

    [Fact]
    public void Reads_unpacked_dims_typed_data_unknown_fields_and_skips_initializers_listed_as_inputs()
    {
        // An old-style file: dims as separate varints, float_data instead of raw_data, initializer repeated as an input.
        var tensor = new ProtoMessage()
            .Int64(F.Tensor.Dims, 2).Int64(F.Tensor.Dims, 3)
            .Int64(F.Tensor.DataType, (long)OnnxDataType.Float)
            .String(F.Tensor.Name, "w")
            .Bytes(F.Tensor.FloatData, new byte[24]);
        var int8 = new ProtoMessage().PackedInt64(F.Tensor.Dims, [5]).Int64(F.Tensor.DataType, (long)OnnxDataType.Int8)
            .String(F.Tensor.Name, "q").Bytes(F.Tensor.RawData, new byte[5]);
        var graph = new ProtoMessage()
            .Message(F.Graph.Node, new ProtoMessage().String(F.Node.OpType, "Identity"))
            .String(F.Graph.Name, "old")
            .Message(F.Graph.Initializer, tensor)
            .Message(F.Graph.Initializer, int8)
            .Message(F.Graph.Input, new ProtoMessage().String(F.ValueInfo.Name, "x"))
            .Message(F.Graph.Input, new ProtoMessage().String(F.ValueInfo.Name, "w"))
            .Float(99, 1.5f);                                             // unknown fixed32 field
        var model = new ProtoMessage()
            .Int64(F.Model.IrVersion, 3)
            .String(F.Model.ProducerName, "pytorch")
            .Message(F.Model.Graph, graph)
            .Message(F.Model.OpsetImport, new ProtoMessage().Int64(F.OperatorSetId.Version, 9))
            .Int64(F.Model.ModelVersion, 1);
        string path = _dir["old.onnx"];
        using (var file = File.Create(path)) model.WriteTo(file);

        var info = OnnxModelInfo.Read(path);

        Assert.Equal(3, info.IrVersion);
        Assert.Equal(9, info.Opsets[""]);
        Assert.Equal("pytorch", info.ProducerName);
        Assert.Equal("old", info.GraphName);
        Assert.Equal(1, info.NodeCount);
        Assert.Equal(["x"], info.Inputs.Select(i => i.Name));
        Assert.Equal(2, info.InitializerCount);
        Assert.Equal(11, info.ParameterCount);
        Assert.Equal(29, info.InitializerBytes);
        Assert.Equal(new OnnxTypeTally(1, 6, 24), info.InitializersByType[OnnxDataType.Float]);
        Assert.Equal(new OnnxTypeTally(1, 5, 5), info.InitializersByType[OnnxDataType.Int8]);
    }

    [Fact]
    public void Raw_data_of_the_wrong_size_throws()
    {
        var tensor = new ProtoMessage().PackedInt64(F.Tensor.Dims, [4]).Int64(F.Tensor.DataType, (long)OnnxDataType.Float)
            .String(F.Tensor.Name, "w").Bytes(F.Tensor.RawData, new byte[12]);
        var model = new ProtoMessage().Int64(F.Model.IrVersion, 8)
            .Message(F.Model.Graph, new ProtoMessage().Message(F.Graph.Initializer, tensor));
        string path = _dir["bad.onnx"];
        using (var file = File.Create(path)) model.WriteTo(file);

        var error = Assert.Throws<OnnxFormatException>(() => OnnxModelInfo.Read(path));

        Assert.Contains("initializer 'w' (Float[4]) needs 16 bytes of raw_data, it has 12", error.Message);
    }
}
