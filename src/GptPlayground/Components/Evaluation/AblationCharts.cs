using System.Globalization;
using GptPlayground.Evaluation;

namespace GptPlayground.Components.Evaluation;

/// <summary>
/// The geometry of the ablation panel's inline SVG charts (no chart library, no script): the k-shot curve (mean line over
/// a min-max band) and the leave-one-out bars (delta per example, from a zero line). Coordinates are in the SVG's
/// viewBox units; the charts scale with the panel's width.
/// </summary>
public static class AblationCharts
{
    /// <summary>Width of both charts' viewBox.</summary>
    public const double Width = 460;

    /// <summary>Height of the curve chart's viewBox.</summary>
    public const double CurveHeight = 200;

    /// <summary>Left margin of the curve (room for the percent labels).</summary>
    const double Left = 40, Right = 12, Top = 10, Bottom = 30;

    /// <summary>Height of one leave-one-out bar row, and where its zero line is.</summary>
    public const double BarRow = 24, BarLabel = 190, BarZero = BarLabel + (Width - BarLabel) / 2;

    /// <summary>Smallest delta the bars' half-width stands for (5 points), so that tiny deltas do not look huge.</summary>
    const double MinScale = 0.05;

    /// <summary>The curve's x for <paramref name="k"/> of <paramref name="n"/> examples.</summary>
    public static double X(int k, int n) => Left + (n == 0 ? 0 : (double)k / n) * (Width - Left - Right);

    /// <summary>The curve's y for an accuracy from 0 to 1.</summary>
    public static double Y(double accuracy) => Top + (1 - accuracy) * (CurveHeight - Top - Bottom);

    /// <summary>The mean line's points ("x,y x,y ...").</summary>
    public static string MeanLine(IReadOnlyList<KShotPoint> curve) =>
        string.Join(" ", curve.Select(p => Point(X(p.K, curve.Count - 1), Y(p.Summary.Mean))));

    /// <summary>The min-max band's polygon: along the maxima, back along the minima.</summary>
    public static string Band(IReadOnlyList<KShotPoint> curve)
    {
        int n = curve.Count - 1;
        var upper = curve.Select(p => Point(X(p.K, n), Y(p.Summary.Max)));
        var lower = curve.Reverse().Select(p => Point(X(p.K, n), Y(p.Summary.Min)));
        return string.Join(" ", upper.Concat(lower));
    }

    /// <summary>The accuracy gridlines of the curve: 0, 25, 50, 75 and 100%.</summary>
    public static IReadOnlyList<double> Grid { get; } = [0, 0.25, 0.5, 0.75, 1];

    /// <summary>Height of the leave-one-out chart for <paramref name="bars"/> examples.</summary>
    public static double BarsHeight(int bars) => bars * BarRow + 20;

    /// <summary>The delta the bars' half-width stands for: the largest |delta|, at least 5 points.</summary>
    public static double BarScale(IEnumerable<LeaveOneOutScore> rows) => Math.Max(MinScale, rows.Select(r => Math.Abs(r.Delta)).DefaultIfEmpty(0).Max());

    /// <summary>A bar's left edge and width: from the zero line to the right for a positive delta, to the left for a negative one.</summary>
    public static (double X, double Width) Bar(double delta, double scale)
    {
        double half = Width - BarZero - 40;                      // room for the value label at the bar's end
        double w = Math.Abs(delta) / scale * half;
        return delta >= 0 ? (BarZero, w) : (BarZero - w, w);
    }

    /// <summary>A number for an SVG attribute (invariant culture, 1 decimal).</summary>
    public static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    static string Point(double x, double y) => N(x) + "," + N(y);

    /// <summary>An accuracy as a percentage ("97.5%").</summary>
    public static string Percent(double value) => (value * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    /// <summary>A delta in percentage points with its sign ("+2.5", "-5", "0").</summary>
    public static string Points(double delta) => (delta * 100).ToString("+0.#;-0.#;0", CultureInfo.InvariantCulture);
}
