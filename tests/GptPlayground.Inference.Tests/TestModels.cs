using GptPlayground.Inference.Models;
using GptPlayground.Onnx;

namespace GptPlayground.Inference.Tests;

/// <summary>
/// Small random-weight models written by the project's own <see cref="SynthGpt"/>, once per test run,
/// one per I/O layout the engine supports; loaded models are shared between tests.
/// </summary>
public static class TestModels
{
    static readonly string Root = Path.Combine(Path.GetTempPath(), "gptplayground-inference-tests-" + Environment.ProcessId);
    static readonly Dictionary<string, Lazy<LanguageModel>> Loaded = new();

    /// <summary>The layouts under test, by name.</summary>
    public static readonly IReadOnlyDictionary<string, SynthGptOptions> Variants = new Dictionary<string, SynthGptOptions>
    {
        ["optimum-fp32"] = Tiny(),
        ["optimum-fp16"] = Tiny() with { Fp16 = true },
        ["int32-inputs"] = Tiny() with { Int32Inputs = true },
        ["no-position-ids"] = Tiny() with { PositionIds = false },
        ["gqa"] = Tiny() with { Heads = 4, KvHeads = 2 },
        ["merged"] = Tiny() with { Layout = SynthLayout.OptimumMerged },
        ["stacked"] = Tiny() with { Layout = SynthLayout.LegacyStacked, Int32Inputs = true },
        ["short-context"] = Tiny() with { Context = 16 },
    };

    /// <summary>Two layers, 32 wide, a byte-level tokenizer (vocab 300 > 257).</summary>
    public static SynthGptOptions Tiny() => new() { Layers = 2, Hidden = 32, Heads = 4, Vocab = 300, Context = 128, Seed = 7 };

    /// <summary>The folder of a variant, written on first use.</summary>
    public static string Folder(string variant)
    {
        var dir = Path.Combine(Root, variant);
        lock (Loaded)
        {
            if (!File.Exists(Path.Combine(dir, "config.json"))) SynthGpt.Write(Variants[variant], dir);
        }
        return dir;
    }

    /// <summary>The loaded model of a variant (CPU), shared.</summary>
    public static LanguageModel Model(string variant)
    {
        Lazy<LanguageModel> lazy;
        lock (Loaded)
        {
            if (!Loaded.TryGetValue(variant, out lazy!))
                Loaded[variant] = lazy = new Lazy<LanguageModel>(() => LanguageModel.Load(Folder(variant)));
        }
        return lazy.Value;
    }

    /// <summary>A fresh empty temp folder.</summary>
    public static string TempFolder(string name)
    {
        var dir = Path.Combine(Root, "tmp", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Seeded random token ids below the model's vocabulary.</summary>
    public static int[] RandomIds(int count, int seed, int vocab = 300)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.Next(vocab)).ToArray();
    }
}
