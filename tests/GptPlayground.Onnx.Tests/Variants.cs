namespace GptPlayground.Onnx.Tests;

/// <summary>Tiny decoders covering every layout and option, shared by the runtime tests.</summary>
internal static class Variants
{
    /// <summary>2 layers, 32 wide, 4 heads, 300 tokens: milliseconds to write and run.</summary>
    public static readonly SynthGptOptions Tiny = new() { Layers = 2, Hidden = 32, Heads = 4, Vocab = 300, Context = 64, Seed = 7 };

    public static SynthGptOptions Get(string name) => name switch
    {
        "optimum" => Tiny,
        "optimum-fp16" => Tiny with { Fp16 = true },
        "optimum-int32" => Tiny with { Int32Inputs = true },
        "optimum-gqa" => Tiny with { KvHeads = 2 },
        "optimum-mqa-untied" => Tiny with { KvHeads = 1, TiedEmbeddings = false },
        "optimum-mask-positions" => Tiny with { PositionIds = false },
        "optimum-external" => Tiny with { ExternalData = true },
        "merged" => Tiny with { Layout = SynthLayout.OptimumMerged },
        "merged-fp16-gqa-int32" => Tiny with { Layout = SynthLayout.OptimumMerged, Fp16 = true, KvHeads = 2, Int32Inputs = true },
        "merged-mask-positions" => Tiny with { Layout = SynthLayout.OptimumMerged, PositionIds = false },
        "legacy" => Tiny with { Layout = SynthLayout.LegacyStacked },
        "legacy-fp16-int32-mask-positions" => Tiny with { Layout = SynthLayout.LegacyStacked, Fp16 = true, Int32Inputs = true, PositionIds = false },
        "legacy-gqa" => Tiny with { Layout = SynthLayout.LegacyStacked, KvHeads = 2 },
        _ => throw new ArgumentException($"unknown variant '{name}'", nameof(name)),
    };

    public static TheoryData<string> All => new()
    {
        "optimum", "optimum-fp16", "optimum-int32", "optimum-gqa", "optimum-mqa-untied", "optimum-mask-positions", "optimum-external",
        "merged", "merged-fp16-gqa-int32", "merged-mask-positions",
        "legacy", "legacy-fp16-int32-mask-positions", "legacy-gqa",
    };

    /// <summary>Comparison tolerance: float16 caches and logits round to ~3 significant digits.</summary>
    public static float Tolerance(SynthGptOptions o) => o.Fp16 ? 1e-2f : 1e-4f;

    /// <summary>Deterministic token ids below the vocabulary size.</summary>
    public static long[] Tokens(int count, int seed, int vocab = 300)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (long)random.Next(vocab)).ToArray();
    }

    public static long[] Ones(int count) => Enumerable.Repeat(1L, count).ToArray();

    public static long[] Range(int start, int count) => Enumerable.Range(start, count).Select(i => (long)i).ToArray();
}
