using GptPlayground.Components.Charts;
using GptPlayground.Evaluation;
using GptPlayground.Notebooks;
using Microsoft.AspNetCore.Components;

namespace GptPlayground.Components.Evaluation;

/// <summary>
/// The results matrix of a dataset evaluation, a view of a <see cref="MatrixProgress"/>: the progress (n of N rows, the
/// time), each variant's pass rate with its 95% Wilson interval (table and <see cref="IntervalChart"/>), and the rows x
/// variants with ✓ / ✗ and the output cut to one line. Rows are virtualized (only those in view are in the page, so a
/// 200-row run stays light); clicking a result shows its row in full below: every variant's whole output, the
/// expected answer and any error.
/// </summary>
public partial class ResultsMatrix
{
    /// <summary>Height of one row of the matrix, px (the virtualizer's item size; rows are one line, cut with an ellipsis).</summary>
    public const int RowHeight = 32;

    /// <summary>Characters of an output shown in the matrix; the rest is in the row's details.</summary>
    public const int ShownChars = 80;

    List<int> rows = [];
    int? selected;

    /// <summary>The evaluation to show (live while it runs).</summary>
    [Parameter, EditorRequired] public MatrixProgress Matrix { get; set; } = default!;

    /// <summary>The matrix's accessible name (default "Results matrix").</summary>
    [Parameter] public string AriaLabel { get; set; } = "Results matrix";

    /// <summary>Draw the pass rates as a chart too (default on; a style comparison draws its own).</summary>
    [Parameter] public bool ShowChart { get; set; } = true;

    /// <summary>Render only the rows in view (default on); off renders every row.</summary>
    [Parameter] public bool Virtualized { get; set; } = true;

    /// <summary>The row whose details are shown (0-based), or null.</summary>
    public int? Selected => selected;

    /// <inheritdoc/>
    protected override void OnParametersSet()
    {
        if (rows.Count != Matrix.RowCount) rows = Enumerable.Range(0, Matrix.RowCount).ToList();
        if (selected >= Matrix.RowCount) selected = null;
    }

    /// <summary>The progress line: rows done of all, runs, time, and how the run ended.</summary>
    public static string StatusOf(MatrixProgress m)
    {
        var time = $"{m.Elapsed.TotalSeconds:0.0} s";
        var runs = $"{m.Done} of {m.Plan.RunCount} runs";
        if (m.Running) return $"Running: {m.RowsDone} of {m.RowCount} rows ({runs}) · {time}";
        if (m.Error is not null) return $"Stopped after {m.RowsDone} of {m.RowCount} rows ({runs}) · {time}";
        if (m.Cancelled) return $"Cancelled after {m.RowsDone} of {m.RowCount} rows ({runs}) · {time}";
        return $"Finished {m.RowCount} rows × {m.Variants.Count} variant{(m.Variants.Count == 1 ? "" : "s")} ({runs}) in {time}";
    }

    /// <summary>The chart's bars: one per variant, its pass rate so far and interval.</summary>
    public static IReadOnlyList<IntervalPoint> PointsOf(IEnumerable<VariantSummary> summaries) =>
        summaries.Select(s => new IntervalPoint(s.Variant, s.PassRate, s.CiLow, s.CiHigh, s.Judged == 0 ? null : $"{s.Passed}/{s.Judged}")).ToList();

    /// <summary>A result's mark: ✓ passed, ✗ failed, ⚠ failed to run, · no expected answer, … still running, – not run.</summary>
    public static string MarkOf(RowResult? result, bool running) => result switch
    {
        null => running ? "…" : "–",
        { Error: not null } => "⚠",
        { Passed: true } => "✓",
        { Passed: false } => "✗",
        _ => "·",
    };

    /// <summary>A result's state for styling and tests: passed, failed, error, unjudged, pending.</summary>
    public static string StateOf(RowResult? result) => result switch
    {
        null => "pending",
        { Error: not null } => "error",
        { Passed: true } => "passed",
        { Passed: false } => "failed",
        _ => "unjudged",
    };

    /// <summary>A row's inputs: its dataset values (the expected column left out) as "name=value" pairs.</summary>
    public static string InputsOf(EvaluationPlan plan, int row)
    {
        if (plan.Table is not { } table) return "(the cell's own input)";
        int expected = CellDataset.ExpectedColumnOf(plan.Request.Cell, table);
        return string.Join(" · ", table.Columns.Select((c, i) => (c, i)).Where(p => p.i != expected).Select(p => $"{p.c}={table.Rows[row].Values[p.i]}"));
    }

    /// <summary>Text cut to <paramref name="max"/> characters with an ellipsis, line breaks shown as ⏎.</summary>
    public static string Cut(string text, int max = ShownChars)
    {
        var flat = text.Replace("\r\n", "⏎").Replace('\n', '⏎');
        return flat.Length <= max ? flat : flat[..max] + "…";
    }

    static string Shown(string text) => text.Length == 0 ? "(empty)" : text;

    void Select(int row) => selected = selected == row ? null : row;

    /// <summary>The accessible name of a result's button.</summary>
    string ButtonLabel(int row, string variant, RowResult? r) =>
        $"Row {row + 1}, {variant}: {StateOf(r)}; {(selected == row ? "hide" : "show")} the full output";
}
