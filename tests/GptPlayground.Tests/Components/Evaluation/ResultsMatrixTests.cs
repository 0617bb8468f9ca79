using GptPlayground.Components.Charts;
using GptPlayground.Components.Evaluation;
using GptPlayground.Decoding;
using GptPlayground.Evaluation;
using GptPlayground.Notebooks;

namespace GptPlayground.Tests.Components.Evaluation;

/// <summary>The results matrix as a view of a <see cref="MatrixProgress"/>: pass rates with intervals, marks, progress, cancel, details.</summary>
public class ResultsMatrixTests
{
    /// <summary>A checked plan of <paramref name="rows"/> rows (answers a0, a1, ...) and two variants; nothing runs.</summary>
    static EvaluationPlan Plan(int rows)
    {
        var cell = new ZeroShotCell
        {
            Name = "c",
            Input = "say {{word}}:",
            Dataset = "word,expected\n" + string.Join("\n", Enumerable.Range(0, rows).Select(i => $"w{i},a{i}")),
            Variants = [new DecodingVariant("greedy", new DecodingSettings()), new DecodingVariant("t0.7", new DecodingSettings { DoSample = true })],
        };
        return DatasetEvaluator.Plan(new EvaluationRequest(new Notebook { Cells = [cell] }, cell, "tiny"));
    }

    static RowResult Result(int row, string variant, bool passed, string? output = null) =>
        new(row, row + 2, variant, output ?? (passed ? $"a{row}" : "wrong"), $"a{row}", passed);

    static IRenderedComponent<ResultsMatrix> Render(ComponentContext ctx, MatrixProgress matrix, bool virtualized = false) =>
        ctx.Render<ResultsMatrix>(p => p.Add(x => x.Matrix, matrix).Add(x => x.Virtualized, virtualized));

    [Fact]
    public void Each_variant_shows_its_pass_rate_with_its_95_percent_wilson_interval()
    {
        using var ctx = new ComponentContext();
        var matrix = new MatrixProgress(Plan(4));
        matrix.Start();
        for (int r = 0; r < 4; r++)
        {
            matrix.Add(Result(r, "greedy", passed: r != 3));
            matrix.Add(Result(r, "t0.7", passed: r == 0));
        }
        matrix.Finish();

        var cut = Render(ctx, matrix);

        var (low, high) = WilsonInterval.Of(3, 4);
        var greedy = cut.Find("tr.variant-summary[data-variant='greedy']");
        Assert.Equal("75%", greedy.QuerySelector(".pass-rate")!.TextContent);
        Assert.Equal($"{IntervalChart.Percent(low)} – {IntervalChart.Percent(high)}", greedy.QuerySelector(".interval")!.TextContent);
        Assert.Equal("25%", cut.Find("tr.variant-summary[data-variant='t0.7'] .pass-rate").TextContent);
        var whisker = cut.Find(".interval-point[data-label='greedy'] line.whisker");
        Assert.Equal(low, double.Parse(whisker.GetAttribute("data-low")!, System.Globalization.CultureInfo.InvariantCulture), 2);
        Assert.Equal(high, double.Parse(whisker.GetAttribute("data-high")!, System.Globalization.CultureInfo.InvariantCulture), 2);
        Assert.StartsWith("Finished 4 rows × 2 variants (8 of 8 runs)", cut.Find(".matrix-status").TextContent);
    }

    [Fact]
    public void Rows_show_a_tick_or_a_cross_per_variant_and_the_output_cut_to_one_line()
    {
        using var ctx = new ComponentContext();
        var matrix = new MatrixProgress(Plan(2));
        matrix.Start();
        matrix.Add(Result(0, "greedy", true));
        matrix.Add(Result(0, "t0.7", false, output: new string('z', 200)));
        matrix.Add(Result(1, "greedy", false));
        matrix.Add(Result(1, "t0.7", true) with { Error = "the prompt is too long" });
        matrix.Finish();

        var cut = Render(ctx, matrix);

        var marks = cut.FindAll(".matrix-body .result").Select(r => (r.GetAttribute("data-variant"), r.GetAttribute("data-state"), r.QuerySelector(".mark")!.TextContent)).ToList();
        Assert.Equal([("greedy", "passed", "✓"), ("t0.7", "failed", "✗"), ("greedy", "failed", "✗"), ("t0.7", "error", "⚠")], marks);
        var cutOutput = cut.Find(".matrix-row[data-row='0'] .result[data-variant='t0.7'] .output").TextContent;
        Assert.Equal(ResultsMatrix.ShownChars + 1, cutOutput.Length);
        Assert.EndsWith("…", cutOutput);
        Assert.Contains("word=w1", cut.Find(".matrix-row[data-row='1'] .inputs").TextContent);
        Assert.Equal("a1", cut.Find(".matrix-row[data-row='1'] .expected").TextContent);
    }

    [Fact]
    public void Clicking_a_result_shows_its_row_in_full_and_clicking_again_hides_it()
    {
        using var ctx = new ComponentContext();
        var matrix = new MatrixProgress(Plan(2));
        matrix.Start();
        var longOutput = string.Join(" ", Enumerable.Repeat("word", 60));
        matrix.Add(Result(1, "greedy", false, output: longOutput));
        matrix.Add(Result(1, "t0.7", true) with { Error = "the regex timed out" });
        matrix.Finish(cancelled: true);
        var cut = Render(ctx, matrix);
        Assert.Empty(cut.FindAll(".matrix-details"));

        cut.Find(".matrix-row[data-row='1'] .result[data-variant='greedy'] button").Click();

        var details = cut.Find(".matrix-details");
        Assert.Contains("Row 2", details.TextContent);
        Assert.Contains("line 3 of", details.TextContent);
        Assert.Equal(longOutput, details.QuerySelector(".details-variant[data-variant='greedy'] .details-output")!.TextContent);
        Assert.Equal("the regex timed out", details.QuerySelector(".details-variant[data-variant='t0.7'] .details-error")!.TextContent);
        Assert.Equal("true", cut.Find(".matrix-row[data-row='1'] .result[data-variant='greedy'] button").GetAttribute("aria-expanded"));

        cut.Find(".matrix-row[data-row='1'] .result[data-variant='greedy'] button").Click();
        Assert.Empty(cut.FindAll(".matrix-details"));
    }

    [Fact]
    public void While_running_the_matrix_shows_rows_done_of_all_and_marks_the_rest_as_pending()
    {
        using var ctx = new ComponentContext();
        var matrix = new MatrixProgress(Plan(3));
        matrix.Start();
        matrix.Add(Result(0, "greedy", true));
        matrix.Add(Result(0, "t0.7", true));
        matrix.Add(Result(2, "greedy", false));
        matrix.Refresh();

        var cut = Render(ctx, matrix);

        Assert.StartsWith("Running: 1 of 3 rows (3 of 6 runs)", cut.Find(".matrix-status").TextContent);
        Assert.Equal("true", cut.Find(".results-matrix").GetAttribute("data-running"));
        Assert.Equal(3, cut.FindAll(".result[data-state='pending']").Count);
        Assert.All(cut.FindAll(".result[data-state='pending'] .mark"), m => Assert.Equal("…", m.TextContent));
        Assert.Equal("50%", cut.Find("tr.variant-summary[data-variant='greedy'] .pass-rate").TextContent);   // the rate so far: 1 of 2
    }

    [Fact]
    public void A_cancelled_run_keeps_its_rows_and_says_how_far_it_got()
    {
        using var ctx = new ComponentContext();
        var matrix = new MatrixProgress(Plan(3));
        matrix.Start();
        matrix.Add(Result(0, "greedy", true));
        matrix.Add(Result(0, "t0.7", false));
        matrix.Finish(cancelled: true);

        var cut = Render(ctx, matrix);

        Assert.StartsWith("Cancelled after 1 of 3 rows (2 of 6 runs)", cut.Find(".matrix-status").TextContent);
        Assert.Equal("false", cut.Find(".results-matrix").GetAttribute("data-running"));
        Assert.All(cut.FindAll(".result[data-state='pending'] .mark"), m => Assert.Equal("–", m.TextContent));
        Assert.Equal("100%", cut.Find("tr.variant-summary[data-variant='greedy'] .pass-rate").TextContent);
    }

    [Fact]
    public void A_virtualized_matrix_of_200_rows_puts_only_a_window_of_them_in_the_page()
    {
        using var ctx = new ComponentContext();
        var matrix = new MatrixProgress(Plan(200));
        matrix.Start();
        for (int r = 0; r < 200; r++) { matrix.Add(Result(r, "greedy", true)); matrix.Add(Result(r, "t0.7", r % 2 == 0)); }
        matrix.Finish();

        var virtualized = Render(ctx, matrix, virtualized: true);
        var all = Render(ctx, matrix, virtualized: false);

        Assert.Equal(200, all.FindAll(".matrix-body .matrix-row").Count);
        Assert.True(virtualized.FindAll(".matrix-body .matrix-row").Count < 200);
        Assert.Equal("50%", virtualized.Find("tr.variant-summary[data-variant='t0.7'] .pass-rate").TextContent);
    }
}
