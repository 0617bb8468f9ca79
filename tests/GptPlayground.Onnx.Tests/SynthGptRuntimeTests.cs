using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static GptPlayground.Onnx.Tests.Variants;

namespace GptPlayground.Onnx.Tests;

/// <summary>The synthetic decoders run in ONNX Runtime (CPU) with the attention and cache semantics the engine relies on.</summary>
public sealed class SynthGptRuntimeTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private SynthDecoder Open(SynthGptOptions options, string name = "model")
    {
        SynthGpt.Write(options, _dir[name]);
        return new SynthDecoder(options, _dir[name]);
    }

    /// <summary>A first pass with no cache, the way each exporter's users feed it (merged: dummy past of length 1, mask without it).</summary>
    private static StepOutput First(SynthDecoder decoder, SynthGptOptions o, long[][] ids, long[][] mask, long[][] positions) =>
        o.Layout == SynthLayout.OptimumMerged
            ? decoder.Run(ids, mask, positions, decoder.Filled(ids.Length, 1, 0.5f), useCacheBranch: false)
            : decoder.Run(ids, mask, positions, decoder.Empty(ids.Length));

    private static void AssertClose(float[] expected, float[] actual, float tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float worst = expected.Zip(actual, (e, a) => MathF.Abs(e - a)).Max();
        Assert.True(worst <= tolerance, $"{what}: max |difference| {worst} > {tolerance}");
    }

    [Theory]
    [MemberData(nameof(All), MemberType = typeof(Variants))]
    public void Loads_with_the_layouts_names_types_and_shapes(string variant)
    {
        var o = Get(variant);
        using var decoder = Open(o);
        var inputs = decoder.Session.InputMetadata;
        var outputs = decoder.Session.OutputMetadata;
        var idType = o.Int32Inputs ? TensorElementType.Int32 : TensorElementType.Int64;
        var kvType = o.Fp16 ? TensorElementType.Float16 : TensorElementType.Float;
        bool legacy = o.Layout == SynthLayout.LegacyStacked;

        string[] cacheIn = legacy
            ? [.. Enumerable.Range(0, o.Layers).Select(l => $"past_{l}")]
            : [.. Enumerable.Range(0, o.Layers).SelectMany(l => new[] { $"past_key_values.{l}.key", $"past_key_values.{l}.value" })];
        string[] first = legacy ? ["input_ids", "position_ids", "attention_mask"] : ["input_ids", "attention_mask", "position_ids"];
        string[] expectedInputs = [.. first.Where(n => o.PositionIds || n != "position_ids"), .. cacheIn,
            .. o.Layout == SynthLayout.OptimumMerged ? new[] { "use_cache_branch" } : []];
        string[] expectedOutputs = ["logits", .. cacheIn.Select(n => legacy ? n.Replace("past_", "present_") : n.Replace("past_key_values", "present"))];
        Assert.Equal(expectedInputs, decoder.Session.InputNames);
        Assert.Equal(expectedOutputs, decoder.Session.OutputNames);

        Assert.Equal(idType, inputs["input_ids"].ElementDataType);
        Assert.Equal(idType, inputs["attention_mask"].ElementDataType);
        Assert.Equal([-1, -1], inputs["input_ids"].Dimensions);
        Assert.Equal(["batch_size", legacy ? "seq_len" : "sequence_length"], inputs["input_ids"].SymbolicDimensions);
        Assert.Equal(kvType, outputs["logits"].ElementDataType);
        Assert.Equal([-1, -1, o.Vocab], outputs["logits"].Dimensions);
        int[] cache = [-1, o.EffectiveKvHeads, -1, o.HeadDim];
        Assert.Equal(legacy ? [2, .. cache] : cache, inputs[cacheIn[0]].Dimensions);
        Assert.Equal(kvType, inputs[cacheIn[0]].ElementDataType);
        Assert.Equal(kvType, outputs[expectedOutputs[1]].ElementDataType);
        if (o.Layout == SynthLayout.OptimumMerged)
        {
            Assert.Equal(TensorElementType.Bool, inputs["use_cache_branch"].ElementDataType);
            Assert.Equal([1], inputs["use_cache_branch"].Dimensions);
        }
    }

    [Theory]
    [MemberData(nameof(All), MemberType = typeof(Variants))]
    public void Prefix_pass_then_incremental_steps_match_a_full_pass(string variant)
    {
        var o = Get(variant);
        using var decoder = Open(o);
        var ids = Tokens(9, seed: 1);
        float tolerance = Tolerance(o);

        var full = First(decoder, o, [ids], [Ones(9)], [Range(0, 9)]);
        var prefix = First(decoder, o, [ids[..5]], [Ones(5)], [Range(0, 5)]);
        var three = decoder.Run([ids[5..8]], [Ones(8)], [Range(5, 3)], prefix.Present);   // several tokens at once
        var one = decoder.Run([ids[8..]], [Ones(9)], [Range(8, 1)], three.Present);        // then a single token

        for (int i = 0; i < 3; i++)
            AssertClose(full.At(0, 5 + i), three.At(0, i), tolerance, $"logits at position {5 + i}");
        AssertClose(full.Last(0), one.Last(0), tolerance, "last logits");
        Assert.Equal(9, one.Present.Length);
        for (int l = 0; l < o.Layers; l++)
        {
            AssertClose(full.Present.Layers[l].Key, one.Present.Layers[l].Key, tolerance, $"present key of layer {l}");
            AssertClose(full.Present.Layers[l].Value, one.Present.Layers[l].Value, tolerance, $"present value of layer {l}");
        }
    }

    [Theory]
    [MemberData(nameof(All), MemberType = typeof(Variants))]
    public void Left_padded_batch_gives_each_prompt_its_own_logits(string variant)
    {
        var o = Get(variant);
        using var decoder = Open(o);
        float tolerance = Tolerance(o);
        long pad = o.Vocab - 1;
        var a = Tokens(6, seed: 2);
        var b = Tokens(3, seed: 3);
        long[] maskB = [0, 0, 0, 1, 1, 1];
        long[] positionsB = [0, 0, 0, 0, 1, 2];                       // cumsum(mask) - 1, clipped at 0

        var batch = First(decoder, o, [a, [pad, pad, pad, .. b]], [Ones(6), maskB], [Range(0, 6), positionsB]);
        var aloneA = First(decoder, o, [a], [Ones(6)], [Range(0, 6)]);
        var aloneB = First(decoder, o, [b], [Ones(3)], [Range(0, 3)]);

        Assert.DoesNotContain(batch.Logits, float.IsNaN);            // padding queries see no key: uniform, not NaN
        AssertClose(aloneA.Last(0), batch.Last(0), tolerance, "row 0 (no padding)");
        AssertClose(aloneB.Last(0), batch.Last(1), tolerance, "row 1 (left-padded)");

        // one more token each, through the cache
        var next = Tokens(2, seed: 4);
        var batchStep = decoder.Run([[next[0]], [next[1]]], [Ones(7), [.. maskB, 1]], [[6], [3]], batch.Present);
        var stepA = decoder.Run([[next[0]]], [Ones(7)], [[6]], aloneA.Present);
        var stepB = decoder.Run([[next[1]]], [Ones(4)], [[3]], aloneB.Present);
        AssertClose(stepA.Last(0), batchStep.Last(0), tolerance, "row 0 after a step");
        AssertClose(stepB.Last(0), batchStep.Last(1), tolerance, "row 1 after a step");
    }

    [Fact]
    public void Last_logits_depend_on_earlier_tokens_but_earlier_logits_not_on_later_ones()
    {
        using var decoder = Open(Tiny);
        var ids = Tokens(6, seed: 9);
        long[] changedFirst = [(ids[0] + 1) % Tiny.Vocab, .. ids[1..]];
        long[] changedLast = [.. ids[..5], (ids[5] + 1) % Tiny.Vocab];

        var run = (long[] x) => decoder.Run([x], [Ones(6)], [Range(0, 6)], decoder.Empty(1));
        var original = run(ids);

        Assert.NotEqual(original.Last(0), run(changedFirst).Last(0));           // attention reaches back
        Assert.Equal(original.At(0, 4), run(changedLast).At(0, 4));             // and never forward
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Merged_no_cache_branch_equals_the_plain_model(int dummyPast)
    {
        var plainOptions = Tiny;
        var mergedOptions = Tiny with { Layout = SynthLayout.OptimumMerged };
        using var plain = Open(plainOptions, "plain");
        using var merged = Open(mergedOptions, "merged");
        var ids = Tokens(5, seed: 5);

        var expected = plain.Run([ids], [Ones(5)], [Range(0, 5)], plain.Empty(1));
        var actual = merged.Run([ids], [Ones(5)], [Range(0, 5)], merged.Filled(1, dummyPast, 3f), useCacheBranch: false);

        AssertClose(expected.Logits, actual.Logits, 1e-5f, "logits");
        Assert.Equal(5, actual.Present.Length);
        AssertClose(expected.Present.Layers[1].Value, actual.Present.Layers[1].Value, 1e-5f, "present value");

        // and the cache branch continues like the plain model's incremental step
        var next = Tokens(1, seed: 6);
        var plainStep = plain.Run([next], [Ones(6)], [[5]], expected.Present);
        var mergedStep = merged.Run([next], [Ones(6)], [[5]], actual.Present, useCacheBranch: true);
        AssertClose(plainStep.Logits, mergedStep.Logits, 1e-5f, "logits after a cached step");
    }

    [Fact]
    public void External_data_model_computes_the_same_as_inline()
    {
        using var inline = Open(Tiny with { ExternalData = false }, "inline");
        using var external = Open(Tiny with { ExternalData = true }, "external");
        var ids = Tokens(4, seed: 8);

        var a = inline.Run([ids], [Ones(4)], [Range(0, 4)], inline.Empty(1));
        var b = external.Run([ids], [Ones(4)], [Range(0, 4)], external.Empty(1));

        Assert.True(File.Exists(_dir["external/model.onnx.data"]));
        Assert.False(File.Exists(_dir["inline/model.onnx.data"]));
        Assert.Equal(a.Logits, b.Logits);
    }

    [Theory]
    [InlineData("optimum-fp16")]
    [InlineData("merged-fp16-gqa-int32")]
    [InlineData("legacy-fp16-int32-mask-positions")]
    public void Runs_the_same_without_graph_optimizations(string variant)
    {
        var o = Get(variant);
        SynthGpt.Write(o, _dir.Path);
        using var optimized = new SynthDecoder(o, _dir.Path);
        using var plain = new SynthDecoder(o, _dir.Path, GraphOptimizationLevel.ORT_DISABLE_ALL);
        var ids = Tokens(5, seed: 10);

        var expected = First(optimized, o, [ids], [Ones(5)], [Range(0, 5)]);
        var actual = First(plain, o, [ids], [Ones(5)], [Range(0, 5)]);

        AssertClose(expected.Logits, actual.Logits, Tolerance(o), "logits");
    }

    [Theory]
    [InlineData("optimum")]
    [InlineData("optimum-fp16")]
    [InlineData("legacy-gqa")]
    [InlineData("optimum-mqa-untied")]
    public void Greedy_decoding_varies_with_the_input_and_does_not_loop_on_one_token(string variant)
    {
        var o = Get(variant) with { Hidden = 64, Heads = 4, Vocab = 512, Context = 128 };
        using var decoder = Open(o);

        var fromA = Greedy(decoder, Tokens(4, seed: 11, o.Vocab), 24);
        var fromB = Greedy(decoder, Tokens(4, seed: 12, o.Vocab), 24);

        foreach (var generated in new[] { fromA, fromB })
        {
            string text = string.Join(" ", generated);
            Assert.True(generated.Distinct().Count() >= 12, $"few distinct tokens: {text}");
            Assert.True(LongestRun(generated) <= 4, $"one token repeated: {text}");
        }
        Assert.NotEqual(fromA[..4], fromB[..4]);
    }

    private static int LongestRun(long[] tokens) =>
        tokens.Select((t, i) => tokens.Skip(i).TakeWhile(u => u == t).Count()).Max();

    /// <summary>Greedy decoding through the cache; returns the generated ids.</summary>
    private static long[] Greedy(SynthDecoder decoder, long[] prompt, int steps)
    {
        var o = new List<long>();
        var step = decoder.Run([prompt], [Ones(prompt.Length)], [Range(0, prompt.Length)], decoder.Empty(1));
        int length = prompt.Length;
        for (int i = 0; i < steps; i++)
        {
            var logits = step.Last(0);
            long next = Array.IndexOf(logits, logits.Max());
            o.Add(next);
            step = decoder.Run([[next]], [Ones(length + 1)], [[length]], step.Present);
            length++;
        }
        return [.. o];
    }
}
