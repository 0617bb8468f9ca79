using GptPlayground.Inference.Models;
using GptPlayground.Inference.Runtime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace GptPlayground.Inference.Tests;

public class LoadingTests
{
    [Fact]
    public void A_model_card_describes_the_synthetic_model()
    {
        var card = TestModels.Model("gqa").Card;

        Assert.Equal(2, card.Layers);
        Assert.Equal(4, card.Heads);
        Assert.Equal(2, card.KvHeads);
        Assert.Equal(32, card.Hidden);
        Assert.Equal(8, card.HeadSize);
        Assert.Equal(128, card.ContextLength);
        Assert.Equal(300, card.VocabSize);
        Assert.Equal(TestModels.Variants["gqa"].ParameterCount, card.Parameters);
        Assert.Equal("cpu", card.Provider);
        Assert.Contains("past_key_values", card.Layout);
    }

    [Theory]
    [InlineData("optimum-fp16", KvCacheStyle.Separate, TensorElementType.Float16, TensorElementType.Int64, true, false)]
    [InlineData("int32-inputs", KvCacheStyle.Separate, TensorElementType.Float, TensorElementType.Int32, true, false)]
    [InlineData("no-position-ids", KvCacheStyle.Separate, TensorElementType.Float, TensorElementType.Int64, false, false)]
    [InlineData("merged", KvCacheStyle.Separate, TensorElementType.Float, TensorElementType.Int64, true, true)]
    [InlineData("stacked", KvCacheStyle.Stacked, TensorElementType.Float, TensorElementType.Int32, true, false)]
    public void The_layout_is_discovered_from_the_graph(string variant, KvCacheStyle style, TensorElementType kv, TensorElementType ids, bool positions, bool merged)
    {
        var layout = TestModels.Model(variant).Layout;

        Assert.Equal(style, layout.KvStyle);
        Assert.Equal(kv, layout.KvType);
        Assert.Equal(ids, layout.InputIdsType);
        Assert.Equal(positions, layout.PositionIds is not null);
        Assert.Equal(merged, layout.UseCacheBranch is not null);
        Assert.Equal(2, layout.Layers);
    }

    [Fact]
    public void A_missing_folder_is_named_in_the_error()
    {
        var e = Assert.Throws<ModelException>(() => LanguageModel.Load("/nonexistent/models/phi3"));
        Assert.Contains("/nonexistent/models/phi3: no such model folder", e.Message);
    }

    [Fact]
    public void A_folder_without_a_decoder_lists_the_file_names_tried()
    {
        var dir = TestModels.TempFolder("empty");
        File.WriteAllText(Path.Combine(dir, "config.json"), "{}");

        var e = Assert.Throws<ModelException>(() => LanguageModel.Load(dir));
        Assert.Contains("no model.onnx, decoder_model_merged.onnx, decoder_model.onnx", e.Message);
    }

    [Fact]
    public void A_corrupt_onnx_file_gives_a_model_error_not_a_crash()
    {
        var dir = TestModels.TempFolder("corrupt");
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), [1, 2, 3, 4, 5, 6, 7, 8]);

        var e = Assert.Throws<ModelException>(() => LanguageModel.Load(dir));
        Assert.Contains("cannot load model.onnx", e.Message);
    }

    [Fact]
    public void Malformed_config_json_is_named_with_its_line()
    {
        var dir = TestModels.TempFolder("badconfig");
        File.Copy(Path.Combine(TestModels.Folder("optimum-fp32"), "model.onnx"), Path.Combine(dir, "model.onnx"));
        File.WriteAllText(Path.Combine(dir, "config.json"), "{\n  \"n_layer\": 2,\n  oops\n}");

        var e = Assert.Throws<ModelException>(() => LanguageModel.Load(dir));
        Assert.Contains("config.json: not valid JSON (line 3", e.Message);
    }

    [Fact]
    public void A_genai_config_naming_a_missing_file_is_reported()
    {
        var dir = TestModels.TempFolder("genai");
        File.WriteAllText(Path.Combine(dir, "genai_config.json"), """{"model": {"decoder": {"filename": "decoder.onnx"}}}""");

        var e = Assert.Throws<ModelException>(() => LanguageModel.Load(dir));
        Assert.Contains("genai_config.json names 'decoder.onnx'", e.Message);
    }

    [Fact]
    public void A_folder_without_tokenizer_loads_and_says_why_text_cannot_be_encoded()
    {
        var dir = TestModels.TempFolder("notokenizer");
        foreach (var f in new[] { "model.onnx", "config.json" })
            File.Copy(Path.Combine(TestModels.Folder("optimum-fp32"), f), Path.Combine(dir, f));
        foreach (var f in Directory.GetFiles(TestModels.Folder("optimum-fp32"), "*.onnx.data"))
            File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        using var model = LanguageModel.Load(dir);

        Assert.Null(model.Tokenizer);
        var e = Assert.Throws<ModelException>(() => model.Encode("hi"));
        Assert.Contains("--prompt-ids", e.Message);
    }

    [Fact]
    public void Cuda_requested_where_its_provider_cannot_load_fails_with_what_to_do()
    {
        var e = Assert.Throws<ModelException>(() => LanguageModel.Load(TestModels.Folder("optimum-fp32"), ExecutionProvider.Cuda));
        Assert.Contains("provider cuda is not usable", e.Message);
        Assert.Contains("--provider cpu", e.Message);
    }

    [Fact]
    public void Auto_falls_back_to_cpu_and_says_why()
    {
        using var model = LanguageModel.Load(TestModels.Folder("optimum-fp32"), ExecutionProvider.Auto);

        Assert.Equal(ExecutionProvider.Cpu, model.Provider.Provider);
        Assert.StartsWith("auto: ", model.Provider.Reason);
        Assert.Contains("using CPU", model.Provider.Reason);
    }

    [Fact]
    public void Test_builds_leave_the_284_mb_cuda_provider_out_and_auto_says_so()
    {
        Assert.Null(SessionFactory.FindCudaProvider());   // Directory.Build.targets keeps it in the app's output only
        using var model = LanguageModel.Load(TestModels.Folder("optimum-fp32"), ExecutionProvider.Auto);

        Assert.Contains("CUDA provider (libonnxruntime_providers_cuda.so) is not in this build's output", model.Provider.Reason);
    }

    [Theory]
    [InlineData("CPU", ExecutionProvider.Cpu)]
    [InlineData("cuda", ExecutionProvider.Cuda)]
    [InlineData("auto", ExecutionProvider.Auto)]
    public void Provider_names_parse(string text, ExecutionProvider expected) => Assert.Equal(expected, ExecutionProviders.Parse(text));

    [Fact]
    public void An_unknown_provider_name_lists_the_choices()
    {
        var e = Assert.Throws<ArgumentException>(() => ExecutionProviders.Parse("tpu"));
        Assert.Equal("provider (=tpu) must be cpu, cuda or auto", e.Message);
    }
}
