using GptPlayground.Components.Cells;
using GptPlayground.Decoding;
using GptPlayground.Notebooks;
using GptPlayground.Services;
using GptPlayground.Tests.Web;

namespace GptPlayground.Tests.Components.Cells;

/// <summary>The answer distribution of a cell over the real <c>tiny</c> model: sample, bars, regroup by normalization.</summary>
public class SampleDistributionPanelTests(WebModels models) : IClassFixture<WebModels>
{
    static (Notebook, PromptCell) Cell()
    {
        var cell = new ZeroShotCell
        {
            Input = "The capital is",
            Variants = [new DecodingVariant("greedy", new DecodingSettings()), new DecodingVariant("hot", new DecodingSettings { DoSample = true, Temperature = 0.7, Seed = 3 })],
        };
        return (new Notebook { Model = "tiny", Decoding = new DecodingSettings { MaxNewTokens = 2 }, Cells = [cell] }, cell);
    }

    [Fact]
    public void Sampling_shows_one_bar_per_answer_with_counts_that_add_up_to_n()
    {
        using var ctx = new ComponentContext();
        var (notebook, cell) = Cell();
        var state = new CellRunState();
        state.Distribution.Samples = 30;
        var cut = ctx.WithPlayground(models.Directory).Render<SampleDistributionPanel>(p => p
            .Add(x => x.Notebook, notebook).Add(x => x.Cell, cell).Add(x => x.State, state).Add(x => x.Model, "tiny").Add(x => x.Open, true));

        Assert.Equal("hot", cut.Find("[role=combobox][aria-label='Distribution variant']").TextContent.Trim());
        cut.Find("button[aria-label='Sample distribution']").Click();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("tr.distribution-group")), TimeSpan.FromSeconds(60));

        var rows = cut.FindAll("tr.distribution-group");
        Assert.Equal(30, rows.Sum(r => int.Parse(r.GetAttribute("data-count")!)));
        Assert.Equal(state.Distribution.Distribution!.Groups.Count, rows.Count);
        Assert.All(rows, r => Assert.Contains("width:", r.QuerySelector(".bar")!.GetAttribute("style")));
        Assert.Contains("30 samples of hot", cut.Find(".distribution-summary").TextContent);
        Assert.Contains("seed 3", cut.Find(".distribution-summary").TextContent);
    }

    [Fact]
    public async Task A_coarser_normalization_regroups_the_same_samples_without_running_again()
    {
        using var ctx = new ComponentContext();
        var (notebook, cell) = Cell();
        var state = new CellRunState();
        state.Distribution.Normalization = AnswerNormalization.Exact;
        ctx.WithPlayground(models.Directory);
        _ = ctx.Popovers;
        var cut = ctx.Render<SampleDistributionPanel>(p => p
            .Add(x => x.Notebook, notebook).Add(x => x.Cell, cell).Add(x => x.State, state).Add(x => x.Model, "tiny").Add(x => x.Open, true));
        cut.Find("button[aria-label='Sample distribution']").Click();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("tr.distribution-group")), TimeSpan.FromSeconds(60));
        var run = state.Distribution.Run;
        int exact = cut.FindAll("tr.distribution-group").Count;

        ctx.Choose(cut, "Normalization", "first-line");

        await Task.Yield();
        Assert.Same(run, state.Distribution.Run);
        Assert.InRange(cut.FindAll("tr.distribution-group").Count, 1, exact);
        Assert.Contains("(first-line)", cut.Find(".distribution-summary").TextContent);
    }

    [Fact]
    public void Without_a_sampling_variant_it_says_how_to_get_one()
    {
        using var ctx = new ComponentContext();
        var cell = new ZeroShotCell { Input = "x" };
        var notebook = new Notebook { Model = "tiny", Cells = [cell] };
        var cut = ctx.WithPlayground(models.Directory).Render<SampleDistributionPanel>(p => p
            .Add(x => x.Notebook, notebook).Add(x => x.Cell, cell).Add(x => x.State, new CellRunState()).Add(x => x.Model, "tiny").Add(x => x.Open, true));

        cut.Find("button[aria-label='Sample distribution']").Click();

        cut.WaitForAssertion(() => Assert.Contains("no variant samples", cut.Find(".distribution-error").TextContent));
    }
}
