using System.Globalization;
using GptPlayground.Evaluation;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Runtime;
using GptPlayground.Inference.Serving;
using GptPlayground.Notebooks;
using GptPlayground.Services;

namespace GptPlayground.Cli;

/// <summary>
/// <c>ablate NOTEBOOK.md --cell NAME [--repeats R] [--seed S] [--json] [--concurrency N] [--models DIR] [--provider P]</c>:
/// the few-shot ablation (<see cref="FewShotAblation"/>) of one few-shot cell with a dataset: its accuracy with every
/// enabled example, without each one (leave-one-out), with k random examples for k = 0 to n (R subsets each) and with
/// R random orders. Prints tables, or with --json one JSON document. The same seed draws the same subsets and orders.
/// Progress goes to stderr; bad input (an unknown cell, a cell that is not few-shot, no dataset, repeats out of range)
/// exits 2 with one line naming the option and the fix.
/// </summary>
public static class AblateVerb
{
    static readonly string[] Options = ["cell", "repeats", "seed", "concurrency", "models", "provider"];

    const string Usage = "usage: gptplayground ablate NOTEBOOK.md --cell NAME [--repeats R] [--seed S] [--json] [--concurrency N] [--models DIR] [--provider P]";

    /// <summary>The ablation as the JSON reports it.</summary>
    public sealed record AblationJson(string Notebook, int Cell, string CellName, string Model, string Variant, string? Dataset, int Rows, int Repeats, int Seed,
        int Configurations, double Seconds, ScoreJson Full, IReadOnlyList<LeaveOneOutJson> LeaveOneOut, IReadOnlyList<PointJson> KShot, OrderJson Order);

    /// <summary>A configuration's accuracy: its examples (1-based numbers of the cell's examples, in prompt order) and 95% Wilson interval.</summary>
    public sealed record ScoreJson(IReadOnlyList<int> Examples, int Passed, int Judged, int Errors, double Accuracy, double CiLow, double CiHigh);

    /// <summary>The prompt without one example (1-based); delta is the full accuracy minus this one (positive: the example helps).</summary>
    public sealed record LeaveOneOutJson(int Example, string Input, string Output, ScoreJson Without, double Delta);

    /// <summary>One point of the k-shot curve.</summary>
    public sealed record PointJson(int K, double Mean, double Min, double Max, double Stddev, IReadOnlyList<ScoreJson> Subsets);

    /// <summary>The order sensitivity.</summary>
    public sealed record OrderJson(double Mean, double Min, double Max, double Stddev, IReadOnlyList<ScoreJson> Orders);

    /// <summary>Runs the verb.</summary>
    public static async Task<int> RunAsync(CliContext context, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = CliArgs.Parse("ablate", args, Options, ["json"]);
        if (a.Positional is not [var path]) throw new CliException(Usage);
        var cellName = a.Get("cell") ?? throw new CliException($"'ablate' needs --cell NAME, the few-shot cell to ablate ({Usage})");
        int repeats = a.GetInt("repeats", AblationRequest.DefaultRepeats, 1, AblationRequest.MaxRepeats);
        int seed = a.GetInt("seed", 1, 0);
        int concurrency = a.GetInt("concurrency", EvaluationRequest.DefaultConcurrency, 1, DatasetEvaluator.MaxConcurrency);
        var notebook = NotebookVerb.Read(path);
        var (index, cell) = FindCell(notebook, cellName);

        var provider = ExecutionProviders.Parse(a.Get("provider") ?? "cpu");
        using var catalog = new ModelCatalog(a.Get("models") ?? PlaygroundPaths.Models, provider);
        using var session = new PlaygroundSession();
        var generation = new GenerationRunner(catalog, new GenerationQueue(), session, new RemoteGeneration(catalog));
        var ablation = new FewShotAblation(new DatasetEvaluator(new CellRunner(generation, catalog), generation));
        var model = CellRunner.ModelOf(notebook, cell, fallback: null) ?? catalog.DefaultModel()
            ?? throw new CliException($"cell {index} ({cell.Name}) names no model, the notebook has none and {catalog.Directory} has no usable model: add 'model: NAME' to the front matter");

        AblationPlan plan;
        try
        {
            plan = FewShotAblation.Plan(new AblationRequest(notebook, cell, model)
            {
                Repeats = repeats,
                Seed = seed,
                Concurrency = concurrency,
                NotebookDirectory = Path.GetDirectoryName(Path.GetFullPath(path)),
            });
        }
        catch (Exception e) when (e is ArgumentException or DatasetException)
        {
            throw new CliException($"cell {index} ({cell.Name}): {e.Message}");
        }
        var configurations = plan.Configurations.Count;
        context.Error.WriteLine($"[{index}] {cell.Name}: {plan.Enabled.Count} examples, {plan.Evaluation.RowCount} rows x {configurations} configurations on {model}...");
        int lastShown = -1;
        var progress = new DatasetEvaluator.Relay<AblationProgress>(p =>
        {
            int tenth = p.Done * 10 / Math.Max(1, p.Total);
            if (Interlocked.Exchange(ref lastShown, tenth) != tenth) context.Error.WriteLine($"  {p.Done}/{p.Total} rows, {p.Configurations}/{p.TotalConfigurations} configurations");
        });
        var result = await ablation.RunAsync(plan, progress, cancellationToken);

        var json = ToJson(path, index, cell, model, result);
        if (a.Has("json")) CliJson.Write(context.Out, json);
        else WriteTables(context.Out, json);
        return 0;
    }

    /// <summary>The prompt cell named <paramref name="name"/> (exactly; else the only one named so ignoring case) and its 1-based index.</summary>
    /// <exception cref="CliException">No such cell, or several; the message lists the cells.</exception>
    static (int Index, PromptCell Cell) FindCell(Notebook notebook, string name)
    {
        var cells = notebook.Cells.Select((c, i) => (Index: i + 1, Cell: c as PromptCell)).Where(p => p.Cell is not null).Select(p => (p.Index, Cell: p.Cell!)).ToList();
        var exact = cells.Where(p => p.Cell.Name == name).ToList();
        if (exact.Count == 0) exact = cells.Where(p => string.Equals(p.Cell.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
        string list = cells.Count == 0 ? "the notebook has no prompt cells" : "cells: " + string.Join(", ", cells.Select(p => $"'{p.Cell.Name}'"));
        return exact.Count switch
        {
            1 => exact[0],
            0 => throw new CliException($"--cell (='{name}'): no prompt cell has that name ({list})"),
            _ => throw new CliException($"--cell (='{name}'): {exact.Count} cells have that name (cells {string.Join(", ", exact.Select(p => p.Index))}): rename one"),
        };
    }

    static ScoreJson Score(ConfigurationScore s) =>
        new(s.Examples.Select(i => i + 1).ToList(), s.Passed, s.Judged, s.Errors, Round(s.Accuracy), Round(s.CiLow), Round(s.CiHigh));

    static double Round(double value) => Math.Round(value, 4);

    static AblationJson ToJson(string path, int index, PromptCell cell, string model, AblationResult r)
    {
        var plan = r.Plan;
        return new AblationJson(path, index, cell.Name, model, plan.Variant, plan.Evaluation.Table?.Source, plan.Evaluation.RowCount, plan.Request.Repeats,
            plan.Request.Seed, plan.Configurations.Count, Math.Round(r.Elapsed.TotalSeconds, 3), Score(r.Full),
            r.LeaveOneOut.Select(l => new LeaveOneOutJson(l.Example + 1, l.Input, l.Output, Score(l.Without), Round(l.Delta))).ToList(),
            r.Curve.Select(p => new PointJson(p.K, Round(p.Summary.Mean), Round(p.Summary.Min), Round(p.Summary.Max), Round(p.Summary.StdDev),
                p.Subsets.Select(Score).ToList())).ToList(),
            new OrderJson(Round(r.Order.Summary.Mean), Round(r.Order.Summary.Min), Round(r.Order.Summary.Max), Round(r.Order.Summary.StdDev),
                r.Order.Orders.Select(Score).ToList()));
    }

    static string Percent(double value) => (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    static string Points(double delta) => (delta * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " pts";

    static void WriteTables(TextWriter w, AblationJson j)
    {
        string Seconds = j.Seconds.ToString("0.0", CultureInfo.InvariantCulture);
        w.WriteLine($"cell {j.Cell} {j.CellName}: {j.Full.Examples.Count} examples, {j.Rows} rows, variant {j.Variant}, repeats {j.Repeats}, seed {j.Seed}, {j.Configurations} configurations on {j.Model}, {Seconds} s");
        w.WriteLine($"all examples: {j.Full.Passed}/{j.Full.Judged} = {Percent(j.Full.Accuracy)} [{Percent(j.Full.CiLow)}, {Percent(j.Full.CiHigh)}]");

        w.WriteLine();
        w.WriteLine("leave one out (delta = all examples - without it; + helps, - hurts)");
        var labels = j.LeaveOneOut.Select(l => RunVerb.Clip($"#{l.Example} {l.Input} → {l.Output}", 34)).ToList();
        int lw = Math.Max(7, labels.DefaultIfEmpty("").Max(s => s.Length));
        w.WriteLine($"  {"example".PadRight(lw)}  {"without",7}  {"95% interval",16}  {"delta",10}");
        for (int i = 0; i < j.LeaveOneOut.Count; i++)
        {
            var l = j.LeaveOneOut[i];
            var verdict = l.Delta > 0 ? "helps" : l.Delta < 0 ? "hurts" : "";
            w.WriteLine($"  {labels[i].PadRight(lw)}  {Percent(l.Without.Accuracy),7}  {$"[{Percent(l.Without.CiLow)}, {Percent(l.Without.CiHigh)}]",16}  {Points(l.Delta),10}  {verdict}");
        }

        w.WriteLine();
        w.WriteLine($"k-shot curve (random subsets of k examples, {j.Repeats} per k)");
        w.WriteLine($"  {"k",3}  {"subsets",7}  {"mean",6}  {"min",6}  {"max",6}  {"sd",6}");
        foreach (var p in j.KShot)
            w.WriteLine($"  {p.K,3}  {p.Subsets.Count,7}  {Percent(p.Mean),6}  {Percent(p.Min),6}  {Percent(p.Max),6}  {Percent(p.Stddev),6}");

        w.WriteLine();
        w.WriteLine($"order sensitivity ({j.Order.Orders.Count} random orders of all examples)");
        w.WriteLine($"  mean {Percent(j.Order.Mean)}, min {Percent(j.Order.Min)}, max {Percent(j.Order.Max)}, sd {Percent(j.Order.Stddev)}");
        foreach (var o in j.Order.Orders)
            w.WriteLine($"  {string.Join(" ", o.Examples.Select(e => "#" + e)),-24}  {Percent(o.Accuracy),6}");
    }
}
