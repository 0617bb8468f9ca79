using GptPlayground.Components.Cells;

namespace GptPlayground.Tests.Components.Cells;

/// <summary>The cells' text field: MudBlazor's outlined look, one server event per keystroke and no re-render for it.</summary>
public class CellTextAreaTests
{
    [Fact]
    public void Draws_MudBlazor_s_outlined_dense_field_with_its_label_and_accessible_name()
    {
        using var ctx = new ComponentContext();
        var cut = ctx.Render<CellTextArea>(p => p.Add(x => x.Value, "Once upon a time").Add(x => x.Label, "Input").Add(x => x.AriaLabel, "Input")
            .Add(x => x.Lines, 3).Add(x => x.MaxLines, 24));

        var area = cut.Find("textarea");
        Assert.Equal("Input", area.GetAttribute("aria-label"));
        Assert.Equal("3", area.GetAttribute("rows"));
        Assert.Contains("--max-lines:24", area.GetAttribute("style"));
        Assert.Contains("mud-input-root-outlined", area.ClassName);
        Assert.Equal(area.Id, cut.Find("label.mud-input-label-outlined").GetAttribute("for"));
        Assert.Contains("mud-shrink", cut.Find(".mud-input").ClassName);     // a non-empty field's label sits above it
        Assert.Equal("Input", cut.Find("legend").TextContent);
    }

    [Fact]
    public void A_keystroke_raises_ValueChanged_and_does_not_re_render_the_field()
    {
        using var ctx = new ComponentContext();
        List<string> seen = [];
        var cut = ctx.Render<CellTextArea>(p => p.Add(x => x.Value, "").Add(x => x.Label, "Query").Add(x => x.ValueChanged, (string v) => seen.Add(v)));
        int renders = cut.RenderCount;

        cut.Find("textarea").Input("a");
        cut.Find("textarea").Input("ab");

        Assert.Equal(["a", "ab"], seen);
        Assert.Equal(renders, cut.RenderCount);
    }

    [Fact]
    public void Leaving_the_field_re_renders_it_once_so_the_label_follows_whether_it_is_empty()
    {
        using var ctx = new ComponentContext();
        List<string> seen = [];
        var cut = ctx.Render<CellTextArea>(p => p.Add(x => x.Value, "").Add(x => x.Label, "Query").Add(x => x.ValueChanged, (string v) => seen.Add(v)));
        Assert.DoesNotContain("mud-shrink", cut.Find(".mud-input").ClassName);

        cut.Find("textarea").Input("dog");
        cut.Find("textarea").Change("dog");

        Assert.Equal(["dog"], seen);                                       // the change event repeats no value the input events gave
        Assert.Contains("mud-shrink", cut.Find(".mud-input").ClassName);
    }

    [Fact]
    public void A_new_value_from_the_parent_is_shown()
    {
        using var ctx = new ComponentContext();
        var cut = ctx.Render<CellTextArea>(p => p.Add(x => x.Value, "old"));

        cut.Render(p => p.Add(x => x.Value, "restored draft"));

        Assert.Equal("restored draft", cut.Find("textarea").GetAttribute("value"));
    }

    [Fact]
    public void Text_beyond_MudBlazor_s_default_max_length_reaches_the_cell_whole()
    {
        // MudTextField writes maxlength="524288": the browser would cut a longer paste without a word
        using var ctx = new ComponentContext();
        string? seen = null;
        var cut = ctx.Render<CellTextArea>(p => p.Add(x => x.ValueChanged, (string v) => seen = v));
        var text = new string('x', 600_000);

        cut.Find("textarea").Input(text);

        Assert.False(cut.Find("textarea").HasAttribute("maxlength"));
        Assert.Equal(600_000, seen?.Length);
    }
}
