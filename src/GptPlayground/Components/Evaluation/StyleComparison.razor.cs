using GptPlayground.Components.Charts;
using GptPlayground.Evaluation;
using Microsoft.AspNetCore.Components;

namespace GptPlayground.Components.Evaluation;

/// <summary>
/// A prompt-style comparison over a dataset, a view of one <see cref="MatrixProgress"/> per style (zero-shot,
/// few-shot, instruction): the accuracy of each with its 95% Wilson interval side by side (table and
/// <see cref="IntervalChart"/>), and the rows of the chosen style as a <see cref="ResultsMatrix"/>.
/// </summary>
public partial class StyleComparison
{
    string? shown;

    /// <summary>The styles, in the order they run.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<MatrixProgress> Styles { get; set; } = [];

    /// <summary>The style whose rows are shown: the chosen one, else the one running, else the first.</summary>
    MatrixProgress? Shown => Styles.FirstOrDefault(s => s.Title == shown) ?? Styles.FirstOrDefault(s => s.Running) ?? Styles.FirstOrDefault();

    /// <summary>A style's accuracy: its only variant's summary.</summary>
    static VariantSummary SummaryOf(MatrixProgress style) => style.Summaries[0];

    /// <summary>The chart's bars: one per style.</summary>
    public static IReadOnlyList<IntervalPoint> PointsOf(IEnumerable<MatrixProgress> styles) =>
        styles.Select(s => ResultsMatrix.PointsOf([SummaryOf(s)])[0] with { Label = s.Title ?? "" }).ToList();

    /// <summary>Where a style stands: waiting, running (n of N rows), cancelled, failed or finished with its time.</summary>
    public static string StateOf(MatrixProgress s) =>
        s.Running ? $"running: {s.RowsDone} of {s.RowCount} rows"
        : s.Error is not null ? "failed"
        : s.Cancelled ? $"cancelled after {s.RowsDone} of {s.RowCount} rows"
        : s.Done == 0 ? "waiting" : $"{s.Elapsed.TotalSeconds:0.0} s";
}
