using GptPlayground.Onnx;

namespace GptPlayground.Cli;

/// <summary>
/// <c>synth-model --out DIR --layers N --hidden N --heads N --vocab N [--kv-heads N] [--context N] [--fp16]
/// [--int32-inputs] [--no-position-ids] [--layout optimum|merged|stacked] [--external-data] [--seed S] [--genai-config]</c>:
/// writes a random-weight GPT-style decoder, so anyone can test speed and layouts at a given size without downloads
/// (marked synthetic, so it never becomes the default model over a trained one: <see cref="GptPlayground.Inference.Models.ModelCatalog.DefaultModel"/>);
/// <c>--genai-config</c> adds ONNX Runtime GenAI's genai_config.json (for <c>bench --compare-genai</c>).
/// </summary>
public static class SynthModelVerb
{
    public static Task<int> RunAsync(CliContext context, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = CliArgs.Parse("synth-model", args, ["out", "layers", "hidden", "heads", "vocab", "kv-heads", "context", "seed", "layout"],
            ["fp16", "int32-inputs", "no-position-ids", "external-data", "force", "genai-config"]);
        var outDir = a.Require("out", "DIR");
        var options = new SynthGptOptions
        {
            Layers = a.GetInt("layers", 2, 1, 1024),
            Hidden = a.GetInt("hidden", 64, 1),
            Heads = a.GetInt("heads", 4, 1),
            Vocab = a.GetInt("vocab", 512, 2),
            KvHeads = a.Get("kv-heads") is null ? null : a.GetInt("kv-heads", 0, 1),
            Context = a.GetInt("context", 1024, 1),
            Fp16 = a.Has("fp16"),
            Int32Inputs = a.Has("int32-inputs"),
            PositionIds = !a.Has("no-position-ids"),
            ExternalData = a.Has("external-data") ? true : null,
            Layout = (a.Get("layout") ?? "optimum").ToLowerInvariant() switch
            {
                "optimum" => SynthLayout.Optimum,
                "merged" => SynthLayout.OptimumMerged,
                "stacked" => SynthLayout.LegacyStacked,
                var other => throw new CliException($"--layout (={other}) must be optimum, merged or stacked"),
            },
            Seed = a.GetInt("seed", 1),
            GenAiConfig = a.Has("genai-config"),
        };
        options.Validate();
        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any() && !a.Has("force"))
            throw new CliException($"--out (={outDir}) is not empty; choose a new folder or add --force to overwrite");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        SynthGpt.Write(options, outDir);
        context.Out.WriteLine($"wrote {outDir}: {ModelsVerb.Format(options.ParameterCount)} parameters ({options.Layers} layers, {options.Hidden} hidden, {options.Heads} heads, vocab {options.Vocab}) in {clock.Elapsed.TotalSeconds:0.0} s");
        context.Out.WriteLine("random weights, marked synthetic in its config.json: name it with --model; it is never the default while a trained model is there");
        return Task.FromResult(0);
    }
}
