using System.Globalization;
using System.Text;
using GptPlayground.Inference.Generation;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Runtime;
using GptPlayground.Notebooks;
using GptPlayground.Notebooks.Templates;

namespace GptPlayground.Cli;

/// <summary>
/// <c>run NOTEBOOK.md [--out FILE] [--json] [--models DIR] [--provider P]</c>: runs every prompt cell with every
/// decoding variant on its model (the cell's, else the notebook's, else the catalog's default), prints a table
/// (cell, variant, output, tokens/s) or, with --json, one JSON document; --out writes the notebook with the outputs
/// kept (markdown), or JSON when FILE ends in .json.
/// </summary>
public static class RunVerb
{
    static readonly string[] Options = ["out", "models", "provider"];

    /// <summary>One run of one cell with one variant.</summary>
    public sealed record RunRow(int Cell, string CellName, string Kind, string Model, string Variant, string Prompt, int PromptTokens, string? Format,
        IReadOnlyList<string> Notes, string Output, int Tokens, string Finish, double TimeMs, double TokensPerSecond, ulong? Seed, string? Expected, bool? Matches);

    public static async Task<int> RunAsync(CliContext context, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = CliArgs.Parse("run", args, Options, ["json"]);
        if (a.Positional is not [var path]) throw new CliException("usage: gptplayground run NOTEBOOK.md [--out FILE] [--json] [--models DIR] [--provider P]");
        var notebook = NotebookVerb.Read(path);
        var provider = ExecutionProviders.Parse(a.Get("provider") ?? "cpu");
        using var catalog = new ModelCatalog(a.Get("models") ?? PlaygroundPaths.Models, provider);

        var rows = new List<RunRow>();
        int index = 0;
        foreach (var cell in notebook.Cells)
        {
            index++;
            if (cell is not PromptCell prompt) continue;
            cancellationToken.ThrowIfCancellationRequested();
            var modelName = PromptRenderer.ModelOf(notebook, prompt) ?? catalog.DefaultModel()
                ?? throw new CliException($"cell {index} ({prompt.Name}) names no model, the notebook has none and {catalog.Directory} has no usable model: add 'model: NAME' to the front matter");
            var model = await catalog.GetAsync(modelName, provider);
            var tokenizer = model.Tokenizer ?? throw new CliException($"{model.Folder.Name}: {model.TokenizerError ?? "no tokenizer"}");
            var rendered = PromptRenderer.Render(notebook, prompt, ModelPromptInfo.From(model.Files), tokenizer);
            if (rendered.TokenIds is not { Length: > 0 } ids)
                throw new CliException($"cell {index} ({prompt.Name}): the prompt is empty after tokenization");
            foreach (var variant in PromptRenderer.VariantsOf(notebook, prompt))
            {
                context.Error.WriteLine($"[{index}] {prompt.Name} / {variant.Name} on {model.Folder.Name}...");
                var result = TextGenerator.Complete(model, [ids], variant.Settings, cancellationToken: cancellationToken);
                var seq = result.Sequences[0];
                var ms = (result.Stats.Prefill + result.Stats.Decode).TotalMilliseconds;
                var tps = result.Stats.DecodeTokensPerSecond(1);
                var output = new CellOutput
                {
                    Variant = variant.Name, Text = seq.Text, Tokens = seq.Tokens.Length, Finish = seq.Finish.ToString().ToLowerInvariant(),
                    TimeMs = Math.Round(ms, 1), TokensPerSecond = Math.Round(tps, 1), Seed = variant.Settings.DoSample == true ? result.Settings?.Seed : null,
                };
                prompt.Outputs.RemoveAll(o => o.Variant == variant.Name);
                prompt.Outputs.Add(output);
                bool? matches = prompt.Expected is { } exp ? seq.Text.Trim() == exp.Trim() : null;
                rows.Add(new RunRow(index, prompt.Name, prompt.Kind.ToString(), model.Folder.Name, variant.Name, rendered.Text, ids.Length, rendered.Format,
                    rendered.Notes, seq.Text, seq.Tokens.Length, output.Finish!, output.TimeMs!.Value, output.TokensPerSecond!.Value, output.Seed, prompt.Expected, matches));
            }
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
