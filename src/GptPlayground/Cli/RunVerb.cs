using System.Globalization;
using System.Text;
using GptPlayground.Evaluation;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Runtime;
using GptPlayground.Inference.Serving;
using GptPlayground.Notebooks;
using GptPlayground.Services;

namespace GptPlayground.Cli;

/// <summary>
/// <c>run NOTEBOOK.md [--out FILE] [--json] [--models DIR] [--provider P]</c>: runs every prompt cell with every
/// decoding variant through the <see cref="CellRunner"/> (the UI's path, one variant after another) on its model (the cell's, else the notebook's, else the catalog's default), prints a table
/// (cell, variant, output, tokens/s) or, with --json, one JSON document; --out writes the notebook with the outputs
/// kept (markdown), or JSON when FILE ends in .json. <c>--samples N</c> draws N sequences per sampling variant (one
/// batched request) and gives each such row its answers grouped after <c>--normalize</c> (default trimmed).
/// A cell with a dataset (or <c>assert: choices</c>) runs every row x variant through the <see cref="DatasetEvaluator"/>
/// instead, and reports each variant's pass rate with a 95% Wilson interval (<c>evaluations</c> in the JSON);
/// <c>--styles</c> runs its rows as zero-shot, few-shot and instruction prompts (<c>styles</c>). Every dataset is read
/// and checked before anything runs. With <c>--fail-under RATE</c> the exit code is 3 when a variant's (or style's) pass
/// rate is below RATE; a cell without a dataset counts as one row. Each run of a cell without a dataset leaves a run
/// record beside the notebook (<see cref="RunRecords"/>) unless <c>--no-record</c>.
/// </summary>
public static class RunVerb
{
    static readonly string[] Options = ["out", "models", "provider", "samples", "normalize", "fail-under", "concurrency"];

    /// <summary>Exit code when a pass rate is below <c>--fail-under</c>.</summary>
    public const int FailedExitCode = 3;

    /// <summary>A dataset cell's evaluation as the JSON reports it.</summary>
    public sealed record EvaluationJson(int Cell, string CellName, string Model, string Assert, string? Dataset, int Rows, double Seconds,
        IReadOnlyList<VariantSummary> Variants, IReadOnlyList<RowJson> Results);

    /// <summary>One row x variant of an evaluation as the JSON reports it (choices with their log-probabilities only).</summary>
    public sealed record RowJson(int Row, int Line, string Variant, string Output, string? Expected, bool? Passed, string? Error, int Tokens, double TimeMs,
        IReadOnlyList<ChoiceJson>? Choices);

    /// <summary>One scored choice.</summary>
    public sealed record ChoiceJson(string Choice, double Logprob);

    /// <summary>A style of a <c>--styles</c> comparison as the JSON reports it.</summary>
    public sealed record StyleJson(int Cell, string CellName, string Style, string Note, string Variant, int Passed, int Judged, int Errors,
        double? PassRate, double? CiLow, double? CiHigh, double Seconds, IReadOnlyList<RowJson> Results);

    /// <summary>One run of one cell with one variant.</summary>
    public sealed record RunRow(int Cell, string CellName, string Kind, string Model, string Variant, string Prompt, int PromptTokens, string? Format,
        IReadOnlyList<string> Notes, string Output, int Tokens, string Finish, double TimeMs, double TokensPerSecond, ulong? Seed, string? Expected, bool? Matches)
    {
        /// <summary>With <c>--samples N</c>, a sampling variant's N outputs grouped into answers (<see cref="SampleDistribution"/>); else null.</summary>
        public SampleDistribution? Distribution { get; init; }
    }

    public static async Task<int> RunAsync(CliContext context, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = CliArgs.Parse("run", args, Options, ["json", "styles", "no-record"]);
        if (a.Positional is not [var path]) throw new CliException("usage: gptplayground run NOTEBOOK.md [--out FILE] [--json] [--samples N] [--normalize exact|trimmed|case-folded|first-line] [--styles] [--fail-under RATE] [--concurrency N] [--no-record] [--models DIR] [--provider P]");
        double? failUnder = a.Get("fail-under") is { } rateText
            ? double.TryParse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate is >= 0 and <= 1 ? rate
              : throw new CliException($"--fail-under (={rateText}) must be a pass rate from 0 to 1, e.g. 0.9")
            : null;
        int concurrency = a.GetInt("concurrency", EvaluationRequest.DefaultConcurrency, 1, DatasetEvaluator.MaxConcurrency);
        bool styles = a.Has("styles");
        var samples = SamplesOption(a);
        var normalization = a.Get("normalize") is { } norm ? ParseNormalization(norm) : AnswerNormalization.Trimmed;
        var notebook = NotebookVerb.Read(path);
        var provider = ExecutionProviders.Parse(a.Get("provider") ?? "cpu");
        using var catalog = ModelArgs.Catalog(context, a, provider);
        using var session = new PlaygroundSession();
        var generation = new GenerationRunner(catalog, new GenerationQueue(), session, new RemoteGeneration(catalog));
        var records = a.Has("no-record") ? null : new RunRecords();
        var runner = new CellRunner(generation, catalog, records);
        var evaluator = new DatasetEvaluator(runner, generation);

        string ModelFor(int index, PromptCell prompt) =>
            CellRunner.ModelOf(notebook, prompt, fallback: null) ?? catalog.DefaultModel()
                ?? throw new CliException($"cell {index} ({prompt.Name}) names no model, the notebook has none and {catalog.Directory} has no usable model: add 'model: NAME' to the front matter");

        // every dataset is read and checked before anything runs
        var plans = new Dictionary<int, EvaluationPlan>();
        for (int i = 0; i < notebook.Cells.Count; i++)
        {
            if (notebook.Cells[i] is not PromptCell { } p || !DatasetEvaluator.Evaluates(p)) continue;
            if (styles && p is InstructionCell)
                throw new CliException($"cell {i + 1} ({p.Name}): --styles compares prompt styles from a zero-shot or few-shot cell, and this is an instruction cell");
            var request = new EvaluationRequest(notebook, p, ModelFor(i + 1, p)) { NotebookDirectory = Path.GetDirectoryName(Path.GetFullPath(path)), Concurrency = concurrency, Record = records is null ? null : new RecordTarget(path, "run") };
            try { plans[i] = DatasetEvaluator.Plan(request); }
            catch (DatasetException e) { throw new CliException($"cell {i + 1} ({p.Name}): {e.Message}"); }
        }

        var rows = new List<RunRow>();
        var evaluations = new List<EvaluationJson>();
        var styleRows = new List<StyleJson>();
        int index = 0;
        foreach (var cell in notebook.Cells)
        {
            index++;
            if (cell is not PromptCell prompt) continue;
            cancellationToken.ThrowIfCancellationRequested();
            if (plans.TryGetValue(index - 1, out var plan))
            {
                if (styles) styleRows.AddRange(await CompareStylesAsync(context, evaluator, index, plan, cancellationToken));
                else evaluations.Add(await EvaluateAsync(context, evaluator, index, plan, cancellationToken));
                continue;
            }
            var modelName = ModelFor(index, prompt);
            PreparedCell prepared;
            var request = new CellRunRequest(notebook, prompt, modelName) { Samples = samples, Record = records is null ? null : new RecordTarget(path, "run") };
            try { prepared = await runner.PrepareAsync(request, cancellationToken); }
            catch (EmptyPromptException) { throw new CliException($"cell {index} ({prompt.Name}): the prompt is empty after tokenization"); }
            var columns = new List<VariantRun>();
            for (int v = 0; v < prepared.Variants.Count; v++)
            {
                var variant = prepared.Variants[v];
                context.Error.WriteLine($"[{index}] {prompt.Name} / {variant.Name} on {prepared.ModelName}...");
                var column = new VariantRun(variant.Name, variant.Settings.Summary());
                await runner.RunVariantAsync(prepared, v, column, () => Task.CompletedTask, cancellationToken);
                if (column.Cancelled) throw new OperationCanceledException(cancellationToken);
                if (column.Error is { } error) throw new CliException(error);
                if (column.RecordProblem is { } problem) context.Error.WriteLine($"gptplayground run: warning: {problem}");
                columns.Add(column);
                var output = column.ToOutput()!;
                var judgement = prompt.Judge(output.Text);
                if (judgement?.Error is { } judgeError) throw new CliException($"cell {index} ({prompt.Name}): {judgeError}");
                bool? matches = judgement?.Passed;
                rows.Add(new RunRow(index, prompt.Name, prompt.Kind.ToString(), prepared.ModelName, variant.Name, prepared.Prompt.Text, prepared.PromptIds.Length,
                    prepared.Prompt.Format, prepared.Prompt.Notes, output.Text, output.Tokens ?? 0, output.Finish!, output.TimeMs!.Value, output.TokensPerSecond!.Value,
                    output.Seed, prompt.Expected, matches)
                {
                    Distribution = samples > 1 && variant.Settings.Mode == Decoding.DecodingMode.Sample ? SampleDistribution.From(column, normalization) : null,
                });
            }
            CellRunner.KeepOutputs(prompt, columns);
        }

        var json = ToJson(path, rows, evaluations, styleRows);
        if (a.Get("out") is { } outPath)
        {
            var text = outPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                ? System.Text.Json.JsonSerializer.Serialize(json, CliJson.Options) + "\n"
                : NotebookFormat.Write(notebook, keepOutputs: true);
            NotebookStorage.WriteAtomic(Path.GetFullPath(outPath), new UTF8Encoding(false).GetBytes(text));
        }
        if (a.Has("json")) CliJson.Write(context.Out, json);
        else
        {
            if (rows.Count > 0 || (evaluations.Count == 0 && styleRows.Count == 0)) WriteTable(context.Out, rows);
            WriteEvaluations(context.Out, evaluations, styleRows);
        }
        return failUnder is { } threshold && Failures(rows, evaluations, styleRows, threshold) is { Count: > 0 } failures
            ? Fail(context, failures)
            : 0;
    }

    static int Fail(CliContext context, List<string> failures)
    {
        foreach (var f in failures) context.Error.WriteLine($"gptplayground run: {f}");
        return FailedExitCode;
    }

    /// <summary>Every pass rate below <paramref name="threshold"/>: a variant of a dataset cell, a style, or a cell without a dataset whose expected output failed (one row: 0 or 1).</summary>
    static List<string> Failures(List<RunRow> rows, List<EvaluationJson> evaluations, List<StyleJson> styles, double threshold)
    {
        string Rate(double r) => r.ToString("0.###", CultureInfo.InvariantCulture);
        var failures = new List<string>();
        foreach (var r in rows.Where(r => r.Matches == false && threshold > 0))
            failures.Add($"cell {r.Cell} ({r.CellName}) / {r.Variant}: the output does not match the expected one (pass rate 0, --fail-under {Rate(threshold)})");
        foreach (var e in evaluations)
            foreach (var v in e.Variants.Where(v => v.PassRate < threshold))
                failures.Add($"cell {e.Cell} ({e.CellName}) / {v.Variant}: pass rate {Rate(v.PassRate!.Value)} ({v.Passed}/{v.Judged}) is below --fail-under {Rate(threshold)}");
        foreach (var s in styles.Where(s => s.PassRate < threshold))
            failures.Add($"cell {s.Cell} ({s.CellName}) / {s.Style}: pass rate {Rate(s.PassRate!.Value)} ({s.Passed}/{s.Judged}) is below --fail-under {Rate(threshold)}");
        return failures;
    }

    static async Task<EvaluationJson> EvaluateAsync(CliContext context, DatasetEvaluator evaluator, int index, EvaluationPlan plan, CancellationToken cancellationToken)
    {
        var cell = plan.Request.Cell;
        context.Error.WriteLine($"[{index}] {cell.Name}: {plan.RowCount} row{(plan.RowCount == 1 ? "" : "s")} x {plan.Variants.Count} variant{(plan.Variants.Count == 1 ? "" : "s")} on {plan.Request.Model}...");
        var result = await evaluator.EvaluateAsync(plan, null, cancellationToken);
        CheckAssertions(index, cell, plan, result);
        return new EvaluationJson(index, cell.Name, plan.Request.Model, Assertions.Name(plan.Assertion), plan.Table?.Source, plan.RowCount,
            Math.Round(result.Elapsed.TotalSeconds, 3), result.Variants, RowsJson(result));
    }

    static async Task<List<StyleJson>> CompareStylesAsync(CliContext context, DatasetEvaluator evaluator, int index, EvaluationPlan plan, CancellationToken cancellationToken)
    {
        var cell = plan.Request.Cell;
        context.Error.WriteLine($"[{index}] {cell.Name}: {plan.RowCount} rows as zero-shot, few-shot and instruction prompts on {plan.Request.Model}...");
        var results = await evaluator.CompareStylesAsync(plan.Request, null, cancellationToken);
        var list = new List<StyleJson>();
        foreach (var s in results)
        {
            CheckAssertions(index, cell, s.Result.Plan, s.Result);
            var v = s.Summary;
            list.Add(new StyleJson(index, cell.Name, s.Style, s.Note, v.Variant, v.Passed, v.Judged, v.Errors, v.PassRate, v.CiLow, v.CiHigh,
                Math.Round(s.Result.Elapsed.TotalSeconds, 3), RowsJson(s.Result)));
        }
        return list;
    }

    /// <summary>An assertion that could not judge (a regex that timed out) is the notebook's error, not a failed row: exit 2, naming the row.</summary>
    static void CheckAssertions(int index, PromptCell cell, EvaluationPlan plan, EvaluationResult result)
    {
        if (result.Rows.FirstOrDefault(r => r.AssertionError) is { } bad)
            throw new CliException($"cell {index} ({cell.Name}): {(plan.Table is { } t ? $"{t.Source} line {bad.Line}" : "the expected block")}: {bad.Error}");
    }

    static List<RowJson> RowsJson(EvaluationResult result) => result.Rows.Select(r => new RowJson(r.Row, r.Line, r.Variant, r.Output, r.Expected, r.Passed, r.Error,
        r.Tokens, Math.Round(r.TimeMs, 2), r.Choices?.Select(c => new ChoiceJson(c.Choice, Math.Round(c.Logprob, 4))).ToList())).ToList();

    static string Percent(double? value) => value is { } v ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";

    static void WriteEvaluations(TextWriter w, List<EvaluationJson> evaluations, List<StyleJson> styles)
    {
        foreach (var e in evaluations)
        {
            w.WriteLine();
            w.WriteLine($"cell {e.Cell} {e.CellName}: {e.Rows} rows, assert {e.Assert}, {e.Seconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
            SummaryTable(w, "variant", e.Variants.Select(v => (v.Variant, v.Passed, v.Judged, v.Errors, v.PassRate, v.CiLow, v.CiHigh)));
            foreach (var r in e.Results.Where(r => r.Passed == false).Take(5))
                w.WriteLine($"  ✗ line {r.Line} {r.Variant}: {Clip(r.Error ?? r.Output, 40)}{(r.Error is null ? $" (expected {Clip(r.Expected ?? "", 30)})" : "")}");
        }
        foreach (var group in styles.GroupBy(s => (s.Cell, s.CellName)))
        {
            w.WriteLine();
            w.WriteLine($"cell {group.Key.Cell} {group.Key.CellName}: prompt styles over {group.First().Results.Select(r => r.Row).Distinct().Count()} rows");
            SummaryTable(w, "style", group.Select(s => (s.Style, s.Passed, s.Judged, s.Errors, s.PassRate, s.CiLow, s.CiHigh)));
        }
    }

    static void SummaryTable(TextWriter w, string what, IEnumerable<(string Name, int Passed, int Judged, int Errors, double? Rate, double? Low, double? High)> lines)
    {
        var list = lines.ToList();
        int nw = Math.Max(what.Length, list.Max(l => l.Name.Length));
        w.WriteLine($"  {what.PadRight(nw)}  {"passed",9}  {"rate",6}  95% interval");
        foreach (var l in list)
            w.WriteLine($"  {l.Name.PadRight(nw)}  {$"{l.Passed}/{l.Judged}",9}  {Percent(l.Rate),6}  {(l.Rate is null ? "-" : $"[{Percent(l.Low)}, {Percent(l.High)}]")}{(l.Errors > 0 ? $"  ({l.Errors} error{(l.Errors == 1 ? "" : "s")})" : "")}");
    }

    /// <summary>A text on one table line: line breaks as ⏎, tabs as spaces, cut to <paramref name="n"/> characters with an ellipsis.</summary>
    internal static string Clip(string s, int n)
    {
        s = s.Replace("\r", "").Replace("\n", "⏎").Replace("\t", " ");
        return s.Length <= n ? s : s[..(n - 1)] + "…";
    }

    /// <summary><c>--samples N</c>: sequences per sampling variant, 1 to the engine's limit (default 1).</summary>
    static int SamplesOption(CliArgs a) =>
        a.Get("samples") is not { } text ? 1
        : int.TryParse(text, out var n) && n >= 1 && n <= SampleDistributionRun.MaxSamples ? n
        : throw new CliException($"--samples (={text}) must be a whole number from 1 to {SampleDistributionRun.MaxSamples}");

    static AnswerNormalization ParseNormalization(string name)
    {
        try { return AnswerNormalizations.Parse(name); }
        catch (ArgumentException e) { throw new CliException("--normalize: " + e.Message); }
    }

    static object ToJson(string path, List<RunRow> rows, List<EvaluationJson> evaluations, List<StyleJson> styles) =>
        new { Notebook = path, Runs = rows, Evaluations = evaluations.Count > 0 ? evaluations : null, Styles = styles.Count > 0 ? styles : null };

    static void WriteTable(TextWriter w, List<RunRow> rows)
    {
        var cells = rows.Select(r => Clip($"{r.Cell} {r.CellName}", 28)).ToList();
        var variants = rows.Select(r => Clip(r.Variant, 14)).ToList();
        int cw = Math.Max(4, cells.DefaultIfEmpty("").Max(c => c.Length)), vw = Math.Max(7, variants.DefaultIfEmpty("").Max(v => v.Length));
        w.WriteLine($"{"cell".PadRight(cw)}  {"variant".PadRight(vw)}  {"output",-50}  {"tokens/s",8}");
        for (int i = 0; i < rows.Count; i++)
        {
            var mark = rows[i].Matches switch { true => " ✓", false => " ✗", null => "" };
            w.WriteLine($"{cells[i].PadRight(cw)}  {variants[i].PadRight(vw)}  {(Clip(rows[i].Output, 48) + mark),-50}  {rows[i].TokensPerSecond.ToString("0.0", CultureInfo.InvariantCulture),8}");
        }
        if (rows.Count == 0) w.WriteLine("(no prompt cells)");
        foreach (var note in rows.SelectMany(r => r.Notes.Select(n => $"note: cell {r.Cell} ({r.CellName}): {n}")).Distinct())
            w.WriteLine(note);
    }
}
