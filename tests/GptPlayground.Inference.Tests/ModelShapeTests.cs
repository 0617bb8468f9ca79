using GptPlayground.Inference.Models;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace GptPlayground.Inference.Tests;

public class ModelShapeTests
{
    // ---- the record ----

    [Fact]
    public void Or_fills_missing_fields_from_the_fallback_and_keeps_stated_ones()
    {
        var graph = new ModelShape { Layers = 2, KvHeads = 2, VocabSize = 300 };
        var configs = new ModelShape { Layers = 9, Heads = 4, ContextLength = 128 };

        var merged = graph.Or(configs);

        Assert.Equal(new ModelShape { Layers = 2, Heads = 4, KvHeads = 2, ContextLength = 128, VocabSize = 300 }, merged);
    }

    [Theory]
    [InlineData(4, null, 32, null, 4, 32, 8)]      // head size = hidden / heads; KV heads = heads
    [InlineData(4, 2, 32, null, 2, 32, 8)]         // a stated KV head count stays (grouped-query attention)
    [InlineData(4, null, null, 8, 4, 32, 8)]       // hidden = heads x head size
    [InlineData(8, 8, 2048, 256, 8, 2048, 256)]    // stated values are never re-derived (Gemma: 8 x 256 != 2048)
    [InlineData(3, null, 32, null, 3, 32, null)]   // 32 / 3 does not divide: no head size
    [InlineData(null, null, 32, null, null, 32, null)]   // nothing follows from hidden alone
    public void WithDerived_fills_what_follows_from_other_fields(int? heads, int? kvHeads, int? hidden, int? headSize, int? expectedKv, int? expectedHidden, int? expectedHeadSize)
    {
        var shape = new ModelShape { Heads = heads, KvHeads = kvHeads, Hidden = hidden, HeadSize = headSize };

        var derived = shape.WithDerived();

        Assert.Equal(heads, derived.Heads);
        Assert.Equal(expectedKv, derived.KvHeads);
        Assert.Equal(expectedHidden, derived.Hidden);
        Assert.Equal(expectedHeadSize, derived.HeadSize);
    }

    [Fact]
    public void Disagreements_lists_fields_both_state_differently_and_nothing_else()
    {
        var graph = new ModelShape { Layers = 2, KvHeads = 2, HeadSize = 8, VocabSize = 300 };
        var configs = new ModelShape { Layers = 2, Heads = 4, KvHeads = 4, VocabSize = 512 };

        var found = graph.Disagreements(configs);

        Assert.Equal([("KvHeads", 2, 4), ("VocabSize", 300, 512)], found.Select(d => (d.Field.Name, d.Value, d.Other)));
        Assert.Empty(graph.Disagreements(new ModelShape()));
    }

    [Fact]
    public void Fields_name_every_property_once_in_declaration_order()
    {
        var properties = typeof(ModelShape).GetProperties().Where(p => p.PropertyType == typeof(int?)).Select(p => p.Name);

        Assert.Equal(properties, ModelShape.Fields.Select(f => f.Name));
        foreach (var f in ModelShape.Fields)
            Assert.Equal(7, f.Get(f.With(new ModelShape(), 7)));
    }

    [Fact]
    public void ToString_shows_unknown_fields_as_a_question_mark()
    {
        var text = new ModelShape { Layers = 2, VocabSize = 300 }.ToString();

        Assert.Equal("layers 2, heads ?, KV heads ?, hidden size ?, head size ?, context length ?, vocabulary size 300", text);
    }

    // ---- the configs' view ----

    [Fact]
    public void Configs_give_a_partial_shape_and_say_where_each_value_was_read()
    {
        var dir = TestModels.TempFolder("shape-config");
        File.WriteAllText(Path.Combine(dir, "config.json"), """{"n_layer": 2, "n_head": 4, "vocab_size": 300}""");
        File.WriteAllText(Path.Combine(dir, "genai_config.json"), """{"model": {"decoder": {"head_size": 8}, "context_length": 64}}""");

        var config = ModelConfig.Read(dir);

        Assert.Equal(new ModelShape { Layers = 2, Heads = 4, HeadSize = 8, ContextLength = 64, VocabSize = 300 }, config.Shape);
        Assert.Equal("config.json n_head", config.ShapeSources["Heads"]);
        Assert.Equal("genai_config.json model.decoder.head_size", config.ShapeSources["HeadSize"]);
        Assert.Equal("genai_config.json model.context_length", config.ShapeSources["ContextLength"]);
        Assert.False(config.ShapeSources.ContainsKey("KvHeads"));
    }

    // ---- the layout's resolved view ----

    [Fact]
    public void A_layout_takes_the_graphs_dimensions_and_the_configs_for_the_rest()
    {
        var config = new ModelConfig { Shape = new ModelShape { Heads = 4, ContextLength = 128 } };

        var layout = Discover(kvHeads: 2, headSize: 8, vocab: 300, config);

        Assert.Equal(new ModelShape { Layers = 2, Heads = 4, KvHeads = 2, Hidden = 32, HeadSize = 8, ContextLength = 128, VocabSize = 300 }, layout.Shape);
        Assert.Equal((2, 2, 8, 300), (layout.Layers, layout.KvHeads, layout.HeadSize, layout.VocabSize));
    }

    [Fact]
    public void Symbolic_graph_dimensions_come_from_the_configs()
    {
        var config = new ModelConfig { Shape = new ModelShape { Heads = 4, Hidden = 32, VocabSize = 300 } };

        var layout = Discover(kvHeads: null, headSize: null, vocab: null, config);

        Assert.Equal((4, 8, 300), (layout.KvHeads, layout.HeadSize, layout.VocabSize));   // KV heads = heads, head size = 32 / 4
    }

    [Fact]
    public void A_config_value_the_graph_contradicts_is_an_error_naming_both_values_and_their_sources()
    {
        var dir = TestModels.TempFolder("shape-conflict");
        File.WriteAllText(Path.Combine(dir, "config.json"), """{"n_head": 4, "num_key_value_heads": 4, "vocab_size": 300}""");
        var config = ModelConfig.Read(dir);

        var e = Assert.Throws<ModelException>(() => Discover(kvHeads: 2, headSize: 8, vocab: 300, config));

        Assert.Equal("m: the graph and the configs disagree on the KV heads: 2 in the graph (past_key_values.0.key), 4 in config.json num_key_value_heads; " +
                     "the graph is what runs, so correct or remove the config value", e.Message);
    }

    [Theory]
    [InlineData("""{"n_layer": 3}""", "on the layers: 2 in the graph (4 past inputs), 3 in config.json n_layer")]
    [InlineData("""{"head_dim": 16}""", "on the head size: 8 in the graph (past_key_values.0.key), 16 in config.json head_dim")]
    [InlineData("""{"vocab_size": 512}""", "on the vocabulary size: 300 in the graph (the last axis of logits), 512 in config.json vocab_size")]
    public void Every_graph_dimension_is_checked_against_the_configs(string json, string message)
    {
        var dir = TestModels.TempFolder("shape-conflict");
        File.WriteAllText(Path.Combine(dir, "config.json"), json);

        var e = Assert.Throws<ModelException>(() => Discover(kvHeads: 2, headSize: 8, vocab: 300, ModelConfig.Read(dir)));

        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_layout_refuses_a_shape_without_the_numbers_the_decode_loop_needs()
    {
        var layout = Discover(kvHeads: 2, headSize: 8, vocab: 300, new ModelConfig());

        var e = Assert.Throws<ArgumentException>(() => layout with { Shape = new ModelShape { Layers = 2, KvHeads = 2, HeadSize = 8 } });

        Assert.Contains("vocabulary size ?", e.Message);
    }

    /// <summary>A two-layer Optimum-style graph whose KV heads, head size and vocabulary are fixed, or symbolic where null.</summary>
    static DecoderLayout Discover(int? kvHeads, int? headSize, int? vocab, ModelConfig config)
    {
        long[] kv = [-1, kvHeads ?? -1, -1, headSize ?? -1];   // [batch, kv_heads, past, head_size]
        var past = Enumerable.Range(0, 2).SelectMany(l => new[] { "key", "value" }.Select(k => (l, k))).ToList();
        var inputs = new List<TensorSignature>
        {
            new("input_ids", TensorElementType.Int64, [-1, -1]),
            new("attention_mask", TensorElementType.Int64, [-1, -1]),
        };
        inputs.AddRange(past.Select(p => new TensorSignature($"past_key_values.{p.l}.{p.k}", TensorElementType.Float, kv)));
        var outputs = new List<TensorSignature> { new("logits", TensorElementType.Float, [-1, -1, vocab ?? -1]) };
        outputs.AddRange(past.Select(p => new TensorSignature($"present.{p.l}.{p.k}", TensorElementType.Float, kv)));
        return DecoderLayout.Discover(inputs, outputs, config, "m");
    }
}
