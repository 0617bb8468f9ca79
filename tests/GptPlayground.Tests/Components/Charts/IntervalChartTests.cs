using System.Globalization;
using GptPlayground.Components.Charts;

namespace GptPlayground.Tests.Components.Charts;

/// <summary>The interval chart: one bar per point, as long as its rate, a whisker over its interval, labels and figures.</summary>
public class IntervalChartTests
{
    static double Attr(AngleSharp.Dom.IElement e, string name) => double.Parse(e.GetAttribute(name)!, CultureInfo.InvariantCulture);

    [Fact]
    public void Each_point_is_a_bar_as_long_as_its_rate_with_a_whisker_over_its_interval()
    {
        using var ctx = new ComponentContext();
        IReadOnlyList<IntervalPoint> points = [new("few-shot", 1.0, 0.91, 1.0, "40/40"), new("zero-shot", 0.25, 0.14, 0.4, "10/40")];

        var cut = ctx.Render<IntervalChart>(p => p.Add(x => x.Points, points).Add(x => x.AriaLabel, "Accuracy per style"));

        Assert.Equal("Accuracy per style", cut.Find("svg").GetAttribute("aria-label"));
        var bars = cut.FindAll(".interval-point");
        Assert.Equal(["few-shot", "zero-shot"], bars.Select(b => b.GetAttribute("data-label")));
        var full = Attr(bars[0].QuerySelector("rect.bar")!, "width");
        var quarter = Attr(bars[1].QuerySelector("rect.bar")!, "width");
        Assert.Equal(full / 4, quarter, 1);
        var whisker = bars[1].QuerySelector("line.whisker")!;
        var x0 = Attr(bars[1].QuerySelector("rect.bar")!, "x");
        Assert.Equal(x0 + 0.14 * full, Attr(whisker, "x1"), 1);
        Assert.Equal(x0 + 0.40 * full, Attr(whisker, "x2"), 1);
        Assert.Contains("25% (10/40)", bars[1].QuerySelector("text.value")!.TextContent);
        Assert.Contains("interval 14% to 40%", bars[1].QuerySelector("title")!.TextContent);
    }

    [Fact]
    public void A_point_without_a_rate_keeps_its_label_and_draws_no_bar()
    {
        using var ctx = new ComponentContext();

        var cut = ctx.Render<IntervalChart>(p => p.Add(x => x.Points, [new IntervalPoint("t0.7", null, null, null)]).Add(x => x.AriaLabel, "Pass rate"));

        var point = cut.Find(".interval-point");
        Assert.Equal("t0.7", point.QuerySelector("text.label")!.TextContent);
        Assert.Null(point.QuerySelector("rect.bar"));
        Assert.Contains("no rate yet", point.TextContent);
    }

    [Fact]
    public void The_drawing_grows_by_one_row_per_point()
    {
        using var ctx = new ComponentContext();
        var one = ctx.Render<IntervalChart>(p => p.Add(x => x.Points, [new IntervalPoint("a", 0.5, 0.2, 0.8)]).Add(x => x.AriaLabel, "x"));
        var three = ctx.Render<IntervalChart>(p => p.Add(x => x.Points, [new IntervalPoint("a", 0.5, 0.2, 0.8), new("b", 0.1, 0, 0.3), new("c", 1, 0.7, 1)]).Add(x => x.AriaLabel, "x"));

        Assert.Equal(2 * IntervalChart.RowHeight, three.Instance.Height - one.Instance.Height, 3);
        Assert.EndsWith(three.Instance.Height.ToString("0.##", CultureInfo.InvariantCulture), three.Find("svg").GetAttribute("viewBox"));
    }
}
