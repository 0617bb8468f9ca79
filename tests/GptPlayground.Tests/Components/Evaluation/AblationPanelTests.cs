using System.Globalization;
using GptPlayground.Components.Evaluation;
using GptPlayground.Decoding;
using GptPlayground.Evaluation;
using GptPlayground.Notebooks;
using GptPlayground.Services;
using Microsoft.Extensions.DependencyInjection;

namespace GptPlayground.Tests.Components.Evaluation;

/// <summary>The ablation panel on playground-mini's few-shot reverse task: shown for few-shot dataset cells, runs, draws, cancels, reports bad input.</summary>
public class AblationPanelTests
{
    static string Models => Path.Combine(PlaygroundPaths.RepositoryRoot ?? throw new InvalidOperationException("no checkout"), "models");

    static readonly (string Input, string Output)[] Examples = [("6 5 3 4 0", "0 4 3 5 6"), ("3 7 5 0", "0 5 7 3"), ("4 0 8 9 5", "5 9 8 0 4"), ("2 9 4 7", "7 4 9 2"), ("1 8 3", "3 8 1")];

    static (Notebook, FewShotCell) Reverse(int examples, int rows, string header = "input,expected")
    {
        var random = new Random(4);
        var lines = Enumerable.Range(0, rows).Select(_ =>
        {
            var digits = Enumerable.Range(0, 4).Select(_ => random.Next(10).ToString(CultureInfo.InvariantCulture)).ToList();
            return string.Join(" ", digits) + "," + string.Join(" ", Enumerable.Reverse(digits));
        });
        var cell = new FewShotCell
        {
            Name = "Reverse",
            Separator = "\n",
            Template = "Input: {{input}}\nOutput: {{output}}",
            Examples = Examples.Take(examples).Select(e => new FewShotExample(e.Input, e.Output)).ToList(),
            Query = "{{input}}",
            Dataset = header + "\n" + string.Join("\n", lines),
        };
        var notebook = new Notebook { Model = "playground-mini", Decoding = new DecodingSettings { MaxNewTokens = 12, Stop = ["\n"] }, Cells = [cell] };
        return (notebook, cell);
    }

    static ComponentContext Context()
    {
        var ctx = new ComponentContext();
        ctx.WithPlayground(Models);
        return ctx;
    }

    static IRenderedComponent<AblationPanel> Render(ComponentContext ctx, Notebook notebook, PromptCell cell, CellRunState state) =>
        ctx.Render<AblationPanel>(p => p.Add(x => x.Notebook, notebook).Add(x => x.Cell, cell).Add(x => x.State, state).Add(x => x.Model, "playground-mini"));

    [Fact]
    public void Only_a_few_shot_cell_with_a_dataset_offers_the_ablation()
    {
        using var ctx = Context();
        var (notebook, withDataset) = Reverse(2, 3);
        var (_, withoutDataset) = Reverse(2, 3);
        withoutDataset.Dataset = null;
        var zeroShot = new ZeroShotCell { Input = "{{input}}", Dataset = "input,expected\n1,1" };

        Assert.Single(Render(ctx, notebook, withDataset, new()).FindAll("button[aria-label='Ablate examples']"));
        Assert.Empty(Render(ctx, notebook, withoutDataset, new()).FindAll("button[aria-label='Ablate examples']"));
        Assert.Empty(Render(ctx, notebook, zeroShot, new()).FindAll("button[aria-label='Ablate examples']"));
    }

    [Fact]
    public void Running_draws_the_curve_the_leave_one_out_bars_by_sign_and_the_orders()
    {
        using var ctx = Context();
        var (notebook, cell) = Reverse(3, 6);
        ctx.Services.GetRequiredService<AblationRuns>().For(cell).Repeats = 2;
        var state = new CellRunState();
        var cut = Render(ctx, notebook, cell, state);

        cut.Find("button[aria-label='Ablate examples']").Click();
        cut.Find("button[aria-label='Run ablation']").Click();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("g.loo-row")), TimeSpan.FromSeconds(120));

        var result = ctx.Services.GetRequiredService<AblationRuns>().For(cell).Result!;
        Assert.Equal([0, 1, 2, 3], cut.FindAll("circle.kshot-point").Select(c => int.Parse(c.GetAttribute("data-k")!)));
        Assert.Equal(result.Curve.Select(p => p.Summary.Mean.ToString("0.####", CultureInfo.InvariantCulture)), cut.FindAll("circle.kshot-point").Select(c => c.GetAttribute("data-mean")));
        Assert.Single(cut.FindAll("svg[aria-label='k-shot curve'] polygon.band"));
        var rows = cut.FindAll("g.loo-row");
        Assert.Equal(["1", "2", "3"], rows.Select(r => r.GetAttribute("data-example")));
        foreach (var (row, score) in rows.Zip(result.LeaveOneOut))
        {
            var bar = row.QuerySelector("rect.loo-bar")!;
            Assert.Contains(score.Delta > 0 ? "helps" : score.Delta < 0 ? "hurts" : "neutral", bar.ClassList);
        }
        Assert.Equal(2, cut.FindAll("table[aria-label='Order sensitivity'] tr.random-order").Count);
        Assert.Contains($"All 3 examples: {AblationCharts.Percent(result.Full.Accuracy)}", cut.Find(".ablation-summary").TextContent);
        Assert.True(SpinWait.SpinUntil(() => !state.Running, TimeSpan.FromSeconds(10)));      // the cell's run ends just after the panel's last render
    }

    [Fact]
    public void Cancel_stops_the_ablation_and_says_so()
    {
        using var ctx = Context();
        var (notebook, cell) = Reverse(5, 40);
        ctx.Services.GetRequiredService<AblationRuns>().For(cell).Repeats = 100;
        var state = new CellRunState();
        var cut = Render(ctx, notebook, cell, state);
        cut.Find("button[aria-label='Ablate examples']").Click();
        cut.Find("button[aria-label='Run ablation']").Click();
        cut.WaitForAssertion(() => Assert.Contains(" of ", cut.Find(".ablation-progress").TextContent), TimeSpan.FromSeconds(60));

        cut.Find("button[aria-label='Cancel ablation']").Click();

        cut.WaitForAssertion(() => Assert.StartsWith("Cancelled", cut.Find(".ablation-error").TextContent), TimeSpan.FromSeconds(60));
        Assert.True(SpinWait.SpinUntil(() => !state.Running, TimeSpan.FromSeconds(10)));      // the cell's run ends just after the panel's last render
        Assert.Empty(cut.FindAll("g.loo-row"));
    }

    [Fact]
    public void A_dataset_without_expected_answers_shows_what_to_fix()
    {
        using var ctx = Context();
        var (notebook, cell) = Reverse(2, 3, header: "input,answer");
        var cut = Render(ctx, notebook, cell, new CellRunState());

        cut.Find("button[aria-label='Ablate examples']").Click();
        cut.Find("button[aria-label='Run ablation']").Click();

        cut.WaitForAssertion(() => Assert.Contains("has no 'expected' column (columns: input, answer)", cut.Find(".ablation-error[role=alert]").TextContent));
    }
}
