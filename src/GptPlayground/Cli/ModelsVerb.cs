using GptPlayground.Inference.Models;
using GptPlayground.Services;

namespace GptPlayground.Cli;

/// <summary><c>models [--models DIR] [--json]</c>: every folder of models/ with its card and status; the model used when none is named is marked "(default)" (<c>"Default": true</c> in JSON).</summary>
public static class ModelsVerb
{
    public static Task<int> RunAsync(CliContext context, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = CliArgs.Parse("models", args, ["models"], ["json"]);
        using var catalog = ModelArgs.Catalog(context, a);
        var entries = catalog.List();
        var defaultModel = catalog.DefaultModel();
        if (a.Has("json"))
        {
            CliJson.Write(context.Out, entries.Select(e => new { e.Name, e.Path, e.Status, e.Card, Default = e.Name == defaultModel }));
            return Task.FromResult(0);
        }
        if (entries.Count == 0)
        {
            context.Out.WriteLine($"no models in {catalog.Directory} (add one: see README, or `gptplayground synth-model --out {Path.Combine(catalog.Directory, "tiny")} --layers 2 --hidden 64 --heads 4 --vocab 512`)");
            return Task.FromResult(0);
        }
        foreach (var e in entries)
        {
            context.Out.WriteLine($"{e.Name}  [{e.Status}]{(e.Name == defaultModel ? " (default)" : "")}");
            if (e.Card is { } c)
            {
                var tied = Services.TiedWeights.Note(c) is { } note ? $" ({note})" : "";
                context.Out.WriteLine($"  parameters {Format(c.Parameters)}{tied}, layers {c.Layers}, heads {Q(c.Heads)}, kv heads {Q(c.KvHeads)}, hidden {Q(c.Hidden)}, context {Q(c.ContextLength)}, vocab {Q(c.VocabSize)}");
                context.Out.WriteLine($"  layout {c.Layout}; {c.Dtype}; tokenizer {c.Tokenizer}; file {c.File}");
            }
        }
        return Task.FromResult(0);
    }

    static string Q(int? v) => v?.ToString() ?? "?";

    /// <summary>Parameter count as 124.4M / 1.10B.</summary>
    public static string Format(long? parameters) => parameters switch
    {
        null => "?",
        >= 1_000_000_000 => $"{parameters / 1e9:0.00}B",
        >= 1_000_000 => $"{parameters / 1e6:0.0}M",
        >= 1_000 => $"{parameters / 1e3:0.0}K",
        _ => parameters.ToString()!,
    };
}
