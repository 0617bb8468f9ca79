using GptPlayground.Components.Cells;
using GptPlayground.Notebooks;

namespace GptPlayground.Tests.Components.Cells;

public class MarkdownCellEditorTests
{
    [Fact]
    public void Renders_markdown_safely_until_edit_is_pressed()
    {
        using var ctx = new ComponentContext();
        var cell = new MarkdownCell("Some **bold** <script>x()</script>");
        var cut = ctx.Render<MarkdownCellEditor>(p => p.Add(x => x.Cell, cell));

        Assert.Equal("bold", cut.Find("strong").TextContent);
        Assert.Empty(cut.FindAll("script"));

        cut.Find("button[aria-label='Edit markdown']").Click();
        cut.WaitForState(() => cut.FindAll("textarea[aria-label=Markdown]").Count == 1);
        cut.Find("textarea[aria-label=Markdown]").Input("# New");

        Assert.Equal("# New", cell.Text);
    }

    [Fact]
    public void Empty_cell_opens_in_edit_mode()
    {
        using var ctx = new ComponentContext();

        var cut = ctx.Render<MarkdownCellEditor>(p => p.Add(x => x.Cell, new MarkdownCell()));

        Assert.NotNull(cut.Find("textarea[aria-label=Markdown]"));
    }
}
