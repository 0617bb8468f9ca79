using System.Globalization;
using Microsoft.AspNetCore.Components;

namespace GptPlayground.Components.Charts;

/// <summary>One bar of an <see cref="IntervalChart"/>: a rate from 0 to 1 with its interval.</summary>
/// <param name="Label">What the bar is (a variant's or a prompt style's name).</param>
/// <param name="Value">The rate, 0 to 1; null when there is none yet (the bar is left out, its label stays).</param>
/// <param name="Low">Lower end of the interval, 0 to 1; null for none.</param>
/// <param name="High">Upper end of the interval, 0 to 1; null for none.</param>
/// <param name="Detail">The figures behind the rate ("31/40"), shown after it and in the bar's tooltip.</param>
public sealed record IntervalPoint(string Label, double? Value, double? Low, double? High, string? Detail = null);

/// <summary>
/// Rates with their intervals as horizontal bars in inline SVG (no chart library, nothing fetched): one row per
/// <see cref="IntervalPoint"/>, the bar from 0 to the rate, a whisker over the interval, the label on the left and the
/// rate (with its detail) on the right, on a 0-100% axis. Used for the pass rate per variant with its 95% Wilson
/// interval and for the accuracy per prompt style.
/// </summary>
/// <example><code>&lt;IntervalChart Points="@[new("greedy", 0.9, 0.77, 0.96, "36/40")]" AriaLabel="Pass rate per variant" /&gt;</code></example>
public partial class IntervalChart
{
    /// <summary>Width of the drawing in SVG units (it scales to its container).</summary>
    public const double Width = 640;

    /// <summary>Height of one bar's row.</summary>
    public const double RowHeight = 30;

    const double LabelWidth = 150, RightMargin = 120, Top = 8, AxisHeight = 22, BarHeight = 14;

    /// <summary>The bars, top to bottom.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<IntervalPoint> Points { get; set; } = [];

    /// <summary>The accessible name of the chart (its <c>aria-label</c>), e.g. "Pass rate per variant".</summary>
    [Parameter, EditorRequired] public string AriaLabel { get; set; } = "";

    /// <summary>The interval's name in the legend (default "95% Wilson interval").</summary>
    [Parameter] public string IntervalName { get; set; } = "95% Wilson interval";

    /// <summary>Height of the drawing: one row per point and the axis.</summary>
    public double Height => Top + Points.Count * RowHeight + AxisHeight;

    static double PlotWidth => Width - LabelWidth - RightMargin;

    /// <summary>The x of a rate (0 to 1, clamped).</summary>
    static double X(double rate) => LabelWidth + Math.Clamp(rate, 0, 1) * PlotWidth;

    static double RowY(int index) => Top + index * RowHeight;

    static double BarY(int index) => RowY(index) + (RowHeight - BarHeight) / 2;

    static double MidY(int index) => RowY(index) + RowHeight / 2;

    /// <summary>An SVG number (invariant culture, 2 decimals).</summary>
    static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>A rate as a percentage ("92.5%").</summary>
    public static string Percent(double rate) => (rate * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    static string Tooltip(IntervalPoint p) =>
        p.Value is not { } v ? $"{p.Label}: no rate yet"
        : $"{p.Label}: {Percent(v)}{(p.Detail is null ? "" : $" ({p.Detail})")}{(p.Low is { } l && p.High is { } h ? $", interval {Percent(l)} to {Percent(h)}" : "")}";

    static readonly double[] Ticks = [0, 0.25, 0.5, 0.75, 1];
}
