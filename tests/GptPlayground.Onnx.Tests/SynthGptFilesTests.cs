using System.Text.Json;

namespace GptPlayground.Onnx.Tests;

/// <summary>What <see cref="SynthGpt.Write"/> puts on disk: determinism, configs, tokenizer, sizes.</summary>
public sealed class SynthGptFilesTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static byte[] Bytes(SynthGptResult result, string name) => File.ReadAllBytes(Path.Combine(result.Directory, name));

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void Same_seed_writes_identical_files(bool fp16, bool external)
    {
        var options = Variants.Tiny with { Fp16 = fp16, ExternalData = external };

        var a = SynthGpt.Write(options, _dir["a"]);
        var b = SynthGpt.Write(options, _dir["b"]);

        Assert.Equal(a.Files.Select(Path.GetFileName), b.Files.Select(Path.GetFileName));
        foreach (var file in a.Files.Select(Path.GetFileName))
            Assert.Equal(Bytes(a, file!), Bytes(b, file!));
    }

    [Fact]
    public void Different_seed_writes_different_weights_with_the_same_graph_size()
    {
        var a = SynthGpt.Write(Variants.Tiny with { Seed = 1 }, _dir["a"]);
        var b = SynthGpt.Write(Variants.Tiny with { Seed = 2 }, _dir["b"]);

        var modelA = Bytes(a, "model.onnx");
        var modelB = Bytes(b, "model.onnx");
        Assert.Equal(modelA.Length, modelB.Length);
        Assert.NotEqual(modelA, modelB);
    }

    [Fact]
    public void Weights_look_like_gpt2_initialization()
    {
        var options = Variants.Tiny with { Hidden = 64, Vocab = 4096, ExternalData = true };
        var result = SynthGpt.Write(options, _dir.Path);

        // wte is the first tensor in the data file: vocab x hidden float32 from offset 0
        var wte = File.ReadAllBytes(result.ExternalDataPath!).AsSpan(0, options.Vocab * options.Hidden * 4);
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(wte).ToArray();
        double mean = values.Average(v => (double)v);
        double std = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));

        Assert.InRange(mean, -0.001, 0.001);
        Assert.InRange(std, 0.0195, 0.0205);
    }

    [Theory]
    [InlineData(false, "float32")]
    [InlineData(true, "float16")]
    public void Config_json_has_gpt2_and_llama_style_names(bool fp16, string dtype)
    {
        var options = Variants.Tiny with { KvHeads = 2, Fp16 = fp16 };
        var result = SynthGpt.Write(options, _dir.Path);

        using var config = JsonDocument.Parse(File.ReadAllText(result.ConfigPath));
        var root = config.RootElement;
        Assert.Equal("gpt2", root.GetProperty("model_type").GetString());
        foreach (var (name, value) in new[] { ("n_layer", 2), ("num_hidden_layers", 2), ("n_head", 4), ("num_attention_heads", 4),
                     ("num_key_value_heads", 2), ("n_embd", 32), ("hidden_size", 32), ("n_positions", 64), ("max_position_embeddings", 64),
                     ("vocab_size", 300), ("bos_token_id", 299), ("eos_token_id", 299), ("head_dim", 8) })
            Assert.Equal(value, root.GetProperty(name).GetInt32());
        Assert.Equal(dtype, root.GetProperty("torch_dtype").GetString());
    }

    [Fact]
    public void Genai_config_describes_the_graph_for_onnx_runtime_genai()
    {
        var options = Variants.Tiny with { KvHeads = 2, GenAiConfig = true };
        var result = SynthGpt.Write(options, _dir.Path);

        var path = Path.Combine(_dir.Path, SynthGpt.GenAiConfigFileName);
        Assert.Contains(path, result.Files);
        var model = JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("model");
        var decoder = model.GetProperty("decoder");
        Assert.Equal("llama", model.GetProperty("type").GetString());
        Assert.Equal(299, model.GetProperty("eos_token_id").GetInt32());
        Assert.Equal(300, model.GetProperty("vocab_size").GetInt32());
        Assert.Equal(64, model.GetProperty("context_length").GetInt32());
        Assert.Equal("model.onnx", decoder.GetProperty("filename").GetString());
        foreach (var (name, value) in new[] { ("head_size", 8), ("hidden_size", 32), ("num_attention_heads", 4), ("num_key_value_heads", 2), ("num_hidden_layers", 2) })
            Assert.Equal(value, decoder.GetProperty(name).GetInt32());
        Assert.Equal("past_key_values.%d.key", decoder.GetProperty("inputs").GetProperty("past_key_names").GetString());
        Assert.Equal("position_ids", decoder.GetProperty("inputs").GetProperty("position_ids").GetString());
        Assert.Equal("present.%d.value", decoder.GetProperty("outputs").GetProperty("present_value_names").GetString());
    }

    [Fact]
    public void Without_the_option_no_genai_config_is_left_behind()
    {
        SynthGpt.Write(Variants.Tiny with { GenAiConfig = true }, _dir.Path);

        SynthGpt.Write(Variants.Tiny, _dir.Path);

        Assert.False(File.Exists(Path.Combine(_dir.Path, SynthGpt.GenAiConfigFileName)));
    }

    [Fact]
    public void Tokenizer_json_is_byte_level_bpe_with_endoftext_last()
    {
        var result = SynthGpt.Write(Variants.Tiny, _dir.Path);   // vocab 300: 256 bytes, 43 merges, <|endoftext|>

        using var json = JsonDocument.Parse(File.ReadAllText(result.TokenizerPath!));
        var root = json.RootElement;
        var model = root.GetProperty("model");
        var vocab = model.GetProperty("vocab").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        var merges = model.GetProperty("merges").EnumerateArray().Select(m => m.GetString()!.Split(' ')).ToList();

        Assert.Equal("BPE", model.GetProperty("type").GetString());
        Assert.Equal("ByteLevel", root.GetProperty("pre_tokenizer").GetProperty("type").GetString());
        Assert.Equal("ByteLevel", root.GetProperty("decoder").GetProperty("type").GetString());
        Assert.Equal(300, vocab.Count);
        Assert.Equal(Enumerable.Range(0, 300), vocab.Values.Order());
        Assert.Equal(0, vocab["!"]);                          // GPT-2's byte order: printable bytes first
        Assert.Equal(220, vocab["Ġ"]);                        // space
        Assert.Equal(198, vocab["Ċ"]);                        // newline
        Assert.Equal(299, vocab["<|endoftext|>"]);
        var added = root.GetProperty("added_tokens")[0];
        Assert.Equal(299, added.GetProperty("id").GetInt32());
        Assert.True(added.GetProperty("special").GetBoolean());
        Assert.Equal(43, merges.Count);
        Assert.All(merges, m =>
        {
            Assert.Equal(2, m.Length);
            Assert.Contains(m[0], vocab.Keys);
            Assert.Contains(m[1], vocab.Keys);
            Assert.Contains(m[0] + m[1], vocab.Keys);
        });
        Assert.Equal(["Ġ", "t"], merges[0]);                   // learned from English: " t" is the most frequent pair
        Assert.True(File.Exists(_dir["tokenizer_config.json"]));
    }

    [Fact]
    public void Large_vocabulary_tokenizer_fills_every_id_with_a_distinct_token()
    {
        var (tokens, merges) = ByteLevelTokenizer.Build(50257);

        Assert.Equal(50257, tokens.Count);
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
        Assert.Equal(50257 - 257, merges.Count);
        Assert.Equal("<|endoftext|>", tokens[50256]);
    }

    [Theory]
    [InlineData(256)]
    [InlineData(2)]
    public void Vocabulary_under_257_gets_no_tokenizer(int vocab)
    {
        File.WriteAllText(_dir["tokenizer.json"], "{}");   // left by an earlier run

        var result = SynthGpt.Write(Variants.Tiny with { Vocab = vocab }, _dir.Path);

        Assert.Null(result.TokenizerPath);
        Assert.False(File.Exists(_dir["tokenizer.json"]));
        Assert.False(File.Exists(_dir["tokenizer_config.json"]));
    }

    [Theory]
    [InlineData(null, false)]   // tiny: under the 100 MiB threshold
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void External_data_follows_the_option(bool? option, bool expected)
    {
        var result = SynthGpt.Write(Variants.Tiny with { ExternalData = option }, _dir.Path);

        Assert.Equal(expected, result.ExternalDataPath is not null);
        Assert.Equal(expected, File.Exists(_dir["model.onnx.data"]));
    }

    [Fact]
    public void Gpt2_small_shape_has_gpt2s_parameter_count()
    {
        var gpt2Small = new SynthGptOptions { Layers = 12, Hidden = 768, Heads = 12, Vocab = 50257 };

        Assert.Equal(124_439_808, gpt2Small.ParameterCount);
        Assert.True(gpt2Small.UsesExternalData);   // ~500 MB of float32
        Assert.Equal(124_439_808 + 50257L * 768, (gpt2Small with { TiedEmbeddings = false }).ParameterCount);
    }
}
