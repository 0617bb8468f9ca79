using System.Globalization;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Runtime;
using GptPlayground.Inference.Serving;
using GptPlayground.Services;

namespace GptPlayground.Cli;

/// <summary>
/// <c>replay RECORD.jsonl [--line N | --all] [--json] [--models DIR] [--provider P]</c> re-runs a run record
/// (<see cref="RunRecords"/>; by default the file's last) with its settings, seed and prompt token ids, and
/// <c>replay NOTEBOOK.md</c> re-runs the saved outputs that carry token ids. Per output it prints <c>identical</c> or the
/// first differing token with both candidates and their probabilities (<see cref="RunReplay"/>), and warns when the
/// model's files changed since the record. Lines of the file that are not records are named on stderr and skipped.
/// Exit codes: 0 every output identical, 3 one differs (as <c>run --fail-under</c>), 2 bad input.
/// </summary>
public static class ReplayVerb
{
    static readonly string[] Options = ["line", "models", "provider"];

    /// <summary>Exit code when an output of the replay differs from the recorded one.</summary>
    public const int DifferentExitCode = 3;

    const string Usage = "usage: gptplayground replay RECORD.jsonl [--line N | --all] [--json] [--models DIR] [--provider P]  or  gptplayground replay NOTEBOOK.md";

    /// <summary>Runs the verb.</summary>
    public static async Task<int> RunAsync(CliContext context, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = CliArgs.Parse("replay", args, Options, ["json", "all"]);
        if (a.Positional is not [var path]) throw new CliException(Usage);
        if (!File.Exists(path)) throw new CliException($"{path}: no such file (give a .jsonl record file from a .runs/ folder, or a notebook .md)");
        var provider = ExecutionProviders.Parse(a.Get("provider") ?? "cpu");
        using var catalog = new ModelCatalog(a.Get("models") ?? PlaygroundPaths.Models, provider);
        using var session = new PlaygroundSession();
        var generation = new GenerationRunner(catalog, new GenerationQueue(), session, new RemoteGeneration(catalog));
        var replay = new RunReplay(generation, catalog);

        IReadOnlyList<(string Label, RunRecord Record)> records;
        var warnings = new List<string>();
        if (path.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
        {
            if (a.Get("line") is not null || a.Has("all")) throw new CliException("--line and --all pick records of a .jsonl file; a notebook replays every saved output that has token ids");
            var notebook = NotebookVerb.Read(path);
            records = await RunReplay.FromNotebookAsync(notebook, Path.GetFileName(path), new CellRunner(generation, catalog), catalog.DefaultModel(), cancellationToken);
            if (records.Count == 0)
                throw new CliException($"{path}: no saved output has token ids (ids=...) to replay; run it with 'gptplayground run {path} --out {path}' to keep them");
        }
        else
        {
            var file = RunRecords.Read(path);
            warnings.AddRange(file.Warnings);
            foreach (var w in file.Warnings) context.Error.WriteLine($"gptplayground replay: warning: {w}");
            if (file.Records.Count == 0) throw new CliException($"{path}: no run records to replay{(file.Warnings.Count > 0 ? " (every line was skipped, see above)" : "")}");
            var chosen = a.Get("line") is { } lineText
                ? [file.Records.FirstOrDefault(r => r.Line.ToString(CultureInfo.InvariantCulture) == lineText)
                   ?? throw new CliException($"--line (={lineText}) is not a line with a run record in {path} (records are on lines {string.Join(", ", file.Records.Select(r => r.Line).Take(20))}{(file.Records.Count > 20 ? ", ..." : "")})")]
                : a.Has("all") ? file.Records : [file.Records[^1]];
            records = chosen.Select(r => ($"{path} line {r.Line} ({(r.Record.Cell is { } cell ? $"{cell} / {r.Record.Variant}" : r.Record.Source)})", r.Record)).ToList();
        }

        var results = new List<ReplayResult>();
        foreach (var (label, record) in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            context.Error.WriteLine($"replaying {label} on {record.Model}...");
            var result = await replay.ReplayAsync(record, label, cancellationToken);
            foreach (var change in result.FileChanges)
                context.Error.WriteLine($"gptplayground replay: warning: {label}: the model's files changed since the record: {change}");
            results.Add(result);
        }

        if (a.Has("json")) CliJson.Write(context.Out, ToJson(results, warnings));
        else foreach (var r in results) Write(context.Out, r);
        return results.All(r => r.Identical) ? 0 : DifferentExitCode;
    }

    static void Write(TextWriter w, ReplayResult r)
    {
        w.WriteLine($"{r.Label} on {r.Record.Model}, {r.Record.Settings.Summary()}");
        if (r.FileChanges.Count > 0) w.WriteLine($"  model files changed since the record: {string.Join("; ", r.FileChanges)}");
        foreach (var o in r.Outputs) w.WriteLine("  " + Describe(o));
    }

    /// <summary>"output 1: identical (12 tokens)" or "output 1: differs at token 3: recorded ' Paris' (p=0.41 then, 0.02 now), replay ' London' (p=0.77)".</summary>
    static string Describe(OutputComparison o)
    {
        var head = $"output {o.Output + 1}: ";
        if (o.Identical) return head + $"identical ({o.RecordedTokens} token{(o.RecordedTokens == 1 ? "" : "s")})";
        var recorded = o.Recorded is { } rt
            ? $"recorded {Quote(rt.Text)} #{rt.Id} (p={P(rt.RecordedProbability)} then, {P(rt.Probability)} now)"
            : $"the recorded output ended there ({o.RecordedFinish ?? "unfinished"})";
        var replayed = o.Replayed is { } pt
            ? $"replay {Quote(pt.Text)} #{pt.Id} (p={P(pt.Probability)})"
            : $"the replay ended there ({o.ReplayedFinish ?? "no output"})";
        return head + $"differs at token {o.FirstDifference}: {recorded}, {replayed}";
    }

    static string Quote(string text) => "'" + text.Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t") + "'";

    static string P(double? p) => p is { } v ? v.ToString(v < 0.001 ? "0.###e+0" : "0.####", CultureInfo.InvariantCulture) : "?";

    /// <summary>One replay as the JSON reports it.</summary>
    public sealed record ReplayJson(string Record, string Model, string? Notebook, string? Cell, string? Variant, bool Identical,
        IReadOnlyList<string> FileChanges, IReadOnlyList<OutputComparison> Outputs);

    static object ToJson(List<ReplayResult> results, List<string> warnings) => new
    {
        Replays = results.Select(r => new ReplayJson(r.Label, r.Record.Model, r.Record.Notebook, r.Record.Cell, r.Record.Variant, r.Identical, r.FileChanges, r.Outputs)).ToList(),
        Warnings = warnings,
    };
}
