using GptPlayground.Components.Cells;
using GptPlayground.Notebooks;
using GptPlayground.Services;

namespace GptPlayground.Tests.Components.Cells;

/// <summary>The output diff of a cell: two columns, or a column and the file's output; removed and added words marked.</summary>
public class OutputDiffPanelTests
{
    static VariantRun Column(string name, string text)
    {
        var run = new VariantRun(name, "");
        run.ShowSaved(new CellOutput { Variant = name, Text = text });
        return run;
    }

    [Fact]
    public void Two_columns_show_removed_and_added_words()
    {
        using var ctx = new ComponentContext();
        var cell = new ZeroShotCell { Input = "x" };
        var cut = ctx.Render<OutputDiffPanel>(p => p.Add(x => x.Cell, cell).Add(x => x.State, new CellRunState())
            .Add(x => x.Columns, [Column("greedy", "the cat sat"), Column("hot", "the dog sat")]).Add(x => x.Open, true));

        Assert.Equal("cat", cut.Find(".diff-text del").TextContent);
        Assert.Equal("dog", cut.Find(".diff-text ins").TextContent);
        Assert.Equal("the catdog sat", cut.Find(".diff-text").TextContent);
        Assert.Contains("−1 word · +1 word", cut.Find(".diff-summary").TextContent);
    }

    [Fact]
    public void The_files_output_can_be_compared_with_the_current_one()
    {
        using var ctx = new ComponentContext();
        _ = ctx.Popovers;
        var cell = new ZeroShotCell { Input = "x", Outputs = [new CellOutput { Variant = "greedy", Text = "said before" }] };
        var state = new CellRunState();
        var columns = new[] { Column("greedy", "said now") };
        var cut = ctx.Render<OutputDiffPanel>(p => p.Add(x => x.Cell, cell).Add(x => x.State, state).Add(x => x.Columns, columns).Add(x => x.Open, true));

        ctx.Choose(cut, "Diff from", "greedy (saved)");
        ctx.Choose(cut, "Diff to", "greedy");

        Assert.Equal("before", cut.Find(".diff-text del").TextContent);
        Assert.Equal("now", cut.Find(".diff-text ins").TextContent);
    }

    [Fact]
    public void With_one_output_it_says_what_is_needed()
    {
        using var ctx = new ComponentContext();
        var cut = ctx.Render<OutputDiffPanel>(p => p.Add(x => x.Cell, new ZeroShotCell { Input = "x" }).Add(x => x.State, new CellRunState())
            .Add(x => x.Columns, [Column("greedy", "only")]).Add(x => x.Open, true));

        Assert.Contains("two outputs are needed", cut.Find(".diff-summary").TextContent);
        Assert.Empty(cut.FindAll(".diff-text"));
    }
}
