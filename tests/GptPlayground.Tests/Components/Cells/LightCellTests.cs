using GptPlayground.Components.Cells;
using GptPlayground.Notebooks;

namespace GptPlayground.Tests.Components.Cells;

/// <summary>The light view of a cell (a long notebook's cells away from the viewport): its text, read-only, labelled as in the editor.</summary>
public class LightCellTests
{
    [Fact]
    public void A_few_shot_cell_shows_its_name_fields_examples_and_saved_outputs_in_the_editors_order()
    {
        using var ctx = new ComponentContext();
        var cell = new FewShotCell
        {
            Name = "antonyms", Instruction = "Give the opposite.", Query = "hot",
            Examples = [new FewShotExample("big", "small"), new FewShotExample("up", "down") { Enabled = false }],
            Outputs = [new CellOutput { Variant = "greedy", Text = "cold" }],
        };

        var cut = ctx.Render<LightCell>(p => p.Add(x => x.Cell, cell));

        Assert.Equal("antonyms", cut.Find(".light-name").TextContent);
        Assert.Equal(["Instruction", "Example template", "Example 1 input", "Example 1 output", "Example 2 input (off)", "Example 2 output", "Query", "Output of greedy"],
            cut.FindAll(".light-label").Select(l => l.TextContent));
        Assert.Equal(["Give the opposite.", cell.Template, "big", "small", "up", "down", "hot", "cold"], cut.FindAll(".light-field pre").Select(p => p.TextContent));
        Assert.Empty(cut.FindAll("textarea, input, button"));
    }

    [Theory]
    [InlineData("zero-shot", new[] { "Input" })]                          // the empty instruction is left out
    [InlineData("instruction", new[] { "System message", "User message" })]
    public void A_prompt_cell_shows_its_non_empty_fields_labelled_as_in_the_editor(string kind, string[] labels)
    {
        using var ctx = new ComponentContext();
        PromptCell cell = kind == "zero-shot" ? new ZeroShotCell { Input = "Hello" } : new InstructionCell { System = "Be brief.", User = "Hi" };

        var cut = ctx.Render<LightCell>(p => p.Add(x => x.Cell, cell));

        Assert.Equal(labels, cut.FindAll(".light-label").Select(l => l.TextContent));
    }

    [Fact]
    public void A_markdown_cell_is_rendered_safely()
    {
        using var ctx = new ComponentContext();

        var cut = ctx.Render<LightCell>(p => p.Add(x => x.Cell, new MarkdownCell("# Title\n\n<script>alert(1)</script> *text*")));

        Assert.Equal("Title", cut.Find("h1").TextContent);
        Assert.Empty(cut.FindAll("script"));
        Assert.Equal("text", cut.Find("em").TextContent);
    }
}
