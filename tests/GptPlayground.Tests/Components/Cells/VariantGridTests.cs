using GptPlayground.Components.Cells;
using GptPlayground.Inference.Generation;
using GptPlayground.Services;

namespace GptPlayground.Tests.Components.Cells;

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
    public void First_difference_from_the_reference_column_is_highlighted()
    {
        using var ctx = new ComponentContext();

        var cut = ctx.Render<VariantGrid>(p => p.Add(x => x.Runs, [Run("a", "", "The cat sat"), Run("b", "", "The cat ran"), Run("c", "", "The dog")]));

        Assert.Equal("a", cut.Find(".variant-grid").GetAttribute("data-reference"));
        Assert.Empty(cut.FindAll("[data-variant='a'] mark.first-diff"));
        Assert.Equal("r", cut.Find("[data-variant='b'] mark.first-diff").TextContent);
        Assert.Equal("d", cut.Find("[data-variant='c'] mark.first-diff").TextContent);
        Assert.Equal("The cat ran", cut.Find("[data-variant='b'] .output-text").TextContent);
    }

    [Fact]
    public void Another_column_can_be_chosen_as_the_reference()
    {
        using var ctx = new ComponentContext();
        var cut = ctx.Render<VariantGrid>(p => p.Add(x => x.Runs, [Run("a", "", "The cat sat"), Run("b", "", "The cat ran"), Run("c", "", "The cat ran off")]));

        cut.Find("button[aria-label='Compare with b']").Click();

        cut.WaitForAssertion(() => Assert.Equal("b", cut.Find(".variant-grid").GetAttribute("data-reference")));
        Assert.Equal("true", cut.Find("button[aria-label='Compare with b']").GetAttribute("aria-pressed"));
        Assert.Equal("s", cut.Find("[data-variant='a'] mark.first-diff").TextContent);
        Assert.Empty(cut.FindAll("[data-variant='b'] mark.first-diff"));
        Assert.Equal(" ", cut.Find("[data-variant='c'] mark.first-diff").TextContent);   // it goes on where b stopped
    }

    [Fact]
    public void Eight_variants_are_eight_columns_each_with_its_buttons_in_the_header_row()
    {
        using var ctx = new ComponentContext();

        var cut = ctx.Render<VariantGrid>(p => p.Add(x => x.Runs, Enumerable.Range(1, 8).Select(i => Run($"v{i}", "sample t=0.7 top-p 0.9 seed 42", "x")).ToList())
            .Add(x => x.Removable, true).Add(x => x.RemoveVariant, (string _) => { }).Add(x => x.EditVariant, (string _) => { }));

        Assert.Equal(8, cut.FindAll(".variant-column").Count);
        foreach (var head in cut.FindAll(".variant-head"))
        {
            Assert.NotNull(head.QuerySelector(".variant-name"));
            Assert.Equal(3, head.QuerySelectorAll(".variant-buttons button").Length);   // reference, settings, remove (the browser test checks they stay on one line)
            Assert.Equal("sample t=0.7 top-p 0.9 seed 42", head.QuerySelector(".variant-summary")!.GetAttribute("title"));
        }
    }

    [Fact]
    public void Each_finished_column_is_judged_against_the_expected_output()
    {
        using var ctx = new ComponentContext();
        var cell = new GptPlayground.Notebooks.ZeroShotCell { Expected = "positive" };

        var cut = ctx.Render<VariantGrid>(p => p.Add(x => x.Runs, [Run("a", "", " positive\n"), Run("b", "", "negative")]).Add(x => x.Cell, cell));

        Assert.Equal("true", cut.Find("[data-variant='a'] .expected-judge").GetAttribute("data-match"));
        Assert.Contains("✓", cut.Find("[data-variant='a'] .expected-judge").TextContent);
        Assert.Equal("false", cut.Find("[data-variant='b'] .expected-judge").GetAttribute("data-match"));
        Assert.Contains("✗", cut.Find("[data-variant='b'] .expected-judge").TextContent);
    }

    [Fact]
    public void Without_an_expected_output_nothing_is_judged()
    {
        using var ctx = new ComponentContext();

        var cut = ctx.Render<VariantGrid>(p => p.Add(x => x.Runs, [Run("a", "", "x")]).Add(x => x.Cell, new GptPlayground.Notebooks.ZeroShotCell()));

        Assert.Empty(cut.FindAll(".expected-judge"));
    }

    [Fact]
    public void A_prompt_style_column_shows_its_exact_prompt_and_how_it_was_built()
    {
        using var ctx = new ComponentContext();
        var run = Run("zero-shot", "", "x");
        run.Prompt = "Label it.\n\nQ: bad\nA:";
        run.Note = "instruction + query in the example template, no examples";

        var cut = ctx.Render<VariantGrid>(p => p.Add(x => x.Runs, [run]));

        Assert.Equal(run.Prompt, cut.Find("[data-variant='zero-shot'] pre[aria-label='Prompt of zero-shot']").TextContent);
        Assert.Contains("no examples", cut.Find("[data-variant='zero-shot'] .column-prompt summary").TextContent);
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

    [Theory]
    [InlineData("The cat sat", new[] { "The cat sat", "The cat ran", "The dog" }, new[] { -1, 8, 4 })]
    [InlineData("ab", new[] { "abc", "a" }, new[] { 2, -1 })]
    [InlineData("", new[] { "x" }, new[] { 0 })]
    public void FirstDifference_From_is_where_an_output_leaves_the_reference(string reference, string[] texts, int[] expected)
    {
        var result = FirstDifference.From(texts, reference);

        Assert.Equal(expected, result.Select(r => r ?? -1));
    }
}
