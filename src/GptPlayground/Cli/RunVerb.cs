using System.Globalization;
using System.Text;
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
/// </summary>
public static class RunVerb
{
    static readonly string[] Options = ["out", "models", "provider", "samples", "normalize"];

    /// <summary>One run of one cell with one variant.</summary>
    public sealed record RunRow(int Cell, string CellName, string Kind, string Model, string Variant, string Prompt, int PromptTokens, string? Format,
        IReadOnlyList<string> Notes, string Output, int Tokens, string Finish, double TimeMs, double TokensPerSecond, ulong? Seed, string? Expected, bool? Matches)
    {
        /// <summary>With <c>--samples N</c>, a sampling variant's N outputs grouped into answers (<see cref="SampleDistribution"/>); else null.</summary>
        public SampleDistribution? Distribution { get; init; }
    }

    public static async Task<int> RunAsync(CliContext context, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = CliArgs.Parse("run", args, Options, ["json"]);
        if (a.Positional is not [var path]) throw new CliException("usage: gptplayground run NOTEBOOK.md [--out FILE] [--json] [--samples N] [--normalize exact|trimmed|case-folded|first-line] [--models DIR] [--provider P]");
        var samples = SamplesOption(a);
        var normalization = a.Get("normalize") is { } norm ? ParseNormalization(norm) : AnswerNormalization.Trimmed;
        var notebook = NotebookVerb.Read(path);
        var provider = ExecutionProviders.Parse(a.Get("provider") ?? "cpu");
        using var catalog = new ModelCatalog(a.Get("models") ?? PlaygroundPaths.Models, provider);
        using var session = new PlaygroundSession();
        var runner = new CellRunner(new GenerationRunner(catalog, new GenerationQueue(), session, new RemoteGeneration(catalog)), catalog);

        var rows = new List<RunRow>();
        int index = 0;
        foreach (var cell in notebook.Cells)
        {
            index++;
            if (cell is not PromptCell prompt) continue;
            cancellationToken.ThrowIfCancellationRequested();
            var modelName = CellRunner.ModelOf(notebook, prompt, fallback: null) ?? ModelChoice.Default(catalog)
                ?? throw new CliException($"cell {index} ({prompt.Name}) names no model, the notebook has none and {catalog.Directory} has no usable model: add 'model: NAME' to the front matter");
            PreparedCell prepared;
            try { prepared = await runner.PrepareAsync(new CellRunRequest(notebook, prompt, modelName) { Samples = samples }, cancellationToken); }
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
                columns.Add(column);
                var output = column.ToOutput()!;
                bool? matches = prompt.MatchesExpected(output.Text);
                rows.Add(new RunRow(index, prompt.Name, prompt.Kind.ToString(), prepared.ModelName, variant.Name, prepared.Prompt.Text, prepared.PromptIds.Length,
                    prepared.Prompt.Format, prepared.Prompt.Notes, output.Text, output.Tokens ?? 0, output.Finish!, output.TimeMs!.Value, output.TokensPerSecond!.Value,
                    output.Seed, prompt.Expected, matches)
                {
                    Distribution = samples > 1 && variant.Settings.Mode == Decoding.DecodingMode.Sample ? SampleDistribution.From(column, normalization) : null,
                });
            }
            CellRunner.KeepOutputs(prompt, columns);
        }

        if (a.Get("out") is { } outPath)
        {
            var text = outPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                ? System.Text.Json.JsonSerializer.Serialize(ToJson(path, rows), CliJson.Options) + "\n"
                : NotebookFormat.Write(notebook, keepOutputs: true);
            NotebookStorage.WriteAtomic(Path.GetFullPath(outPath), new UTF8Encoding(false).GetBytes(text));
        }
        if (a.Has("json")) CliJson.Write(context.Out, ToJson(path, rows));
        else WriteTable(context.Out, rows);
        return 0;
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

    static object ToJson(string path, List<RunRow> rows) => new { Notebook = path, Runs = rows };

    static void WriteTable(TextWriter w, List<RunRow> rows)
    {
        string Clip(string s, int n)
        {
            s = s.Replace("\r", "").Replace("\n", "⏎").Replace("\t", " ");
            return s.Length <= n ? s : s[..(n - 1)] + "…";
        }
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
