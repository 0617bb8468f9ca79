using GptPlayground.Components.Cells;
using GptPlayground.Inference.Generation;
using GptPlayground.Services;

namespace GptPlayground.Tests.Web.Components;

public class VariantGridTests
{
    static VariantRun Run(string name, string summary, params string[] texts)
    {
        var run = new VariantRun(name, summary);
        foreach (var text in texts)
            run.ShowSaved(new GptPlayground.Notebooks.CellOutput { Variant = name, Text = text, Finish = "length" });
        return run;
    }

    [Fact]
    public void One_column_per_variant_with_data_variant_name_and_summary()
    {
        using var ctx = new ComponentContext();

        var cut = ctx.Render<VariantGrid>(p => p.Add(x => x.Runs, [Run("greedy", "greedy", "a"), Run("balanced", "sample t=0.7 top-p 0.9", "b")]));

        var columns = cut.FindAll("[data-variant]");
        Assert.Equal(["greedy", "balanced"], columns.Select(c => c.GetAttribute("data-variant")));
        Assert.Equal("sample t=0.7 top-p 0.9", columns[1].QuerySelector(".variant-summary")!.TextContent);
    }

    [Fact]
    public void First_difference_between_outputs_is_highlighted()
    {
        using var ctx = new ComponentContext();

        var cut = ctx.Render<VariantGrid>(p => p.Add(x => x.Runs, [Run("a", "", "The cat sat"), Run("b", "", "The cat ran")]));

        var marks = cut.FindAll("mark.first-diff");
        Assert.Equal(["s", "r"], marks.Select(m => m.TextContent));
        Assert.Equal("The cat sat", cut.FindAll(".output-text")[0].TextContent);
    }

    [Fact]
    public void Identical_outputs_have_no_highlight()
    {
        using var ctx = new ComponentContext();

        var cut = ctx.Render<VariantGrid>(p => p.Add(x => x.Runs, [Run("a", "", "same"), Run("b", "", "same")]));

        Assert.Empty(cut.FindAll("mark.first-diff"));
    }

    [Fact]
    public void Error_stays_inside_its_column()
    {
        using var ctx = new ComponentContext();
        var broken = new VariantRun("bad", "");
        broken.ShowError("temperature (=-1) must be >= 0");

        var cut = ctx.Render<VariantGrid>(p => p.Add(x => x.Runs, [Run("ok", "", "fine"), broken]));

        Assert.Contains("temperature (=-1)", cut.Find("[data-variant='bad'] [role=alert]").TextContent);
        Assert.Empty(cut.FindAll("[data-variant='ok'] [role=alert]"));
    }

    [Theory]
    [InlineData(new[] { "The cat sat", "The cat ran", "The cat sat" }, new[] { 8, 8, 8 })]
    [InlineData(new[] { "abc", "abc" }, new[] { -1, -1 })]
    [InlineData(new[] { "abc", "abd", "xyz" }, new[] { 0, 0, 0 })]
    [InlineData(new[] { "ab", "abc" }, new[] { -1, 2 })]
    public void FirstDifference_is_where_an_output_leaves_some_other(string[] texts, int[] expected)
    {
        var result = FirstDifference.Of(texts);

        Assert.Equal(expected, result.Select(r => r ?? -1));
    }
}
