using GptPlayground.Components.Cells;
using GptPlayground.Services;

namespace GptPlayground.Tests.Components.Cells;

public class PromptPreviewTests
{
    [Theory]
    [InlineData(100, 1000, "10", "")]
    [InlineData(900, 1000, "90", "high")]
    [InlineData(1200, 1000, "100", "over")]
    public void Context_bar_shows_the_share_of_the_context_and_warns_when_nearly_full_or_over(int tokens, int context, string percent, string level)
    {
        using var ctx = new ComponentContext();

        var cut = ctx.Render<PromptPreview>(p => p.Add(x => x.Text, "x").Add(x => x.Count, new PromptCount(tokens, context, null)));

        Assert.Equal(percent, cut.Find("[role=progressbar]").GetAttribute("aria-valuenow"));
        Assert.Equal($"context-fill {level}".Trim(), cut.Find(".context-fill").ClassName!.Trim());
        Assert.StartsWith($"{tokens} tokens of {context}", cut.Find(".prompt-count").TextContent);
    }

    [Fact]
    public void Shows_the_exact_text_notes_and_a_count_error()
    {
        using var ctx = new ComponentContext();

        var cut = ctx.Render<PromptPreview>(p => p
            .Add(x => x.Text, "Q: hi\nA:")
            .Add(x => x.Count, new PromptCount(null, null, "no model chosen"))
            .Add(x => x.Notes, ["{{name}} has no value: left as written"]));

        Assert.Equal("Q: hi\nA:", cut.Find(".prompt-text").TextContent);
        Assert.Contains("no model chosen", cut.Find(".prompt-count").TextContent);
        Assert.Contains("{{name}} has no value", cut.Find("[role=note]").TextContent);
        Assert.Empty(cut.FindAll("[role=progressbar]"));
    }

    [Fact]
    public void Render_error_replaces_the_text()
    {
        using var ctx = new ComponentContext();

        var cut = ctx.Render<PromptPreview>(p => p.Add(x => x.Error, "unknown chat format 'x'"));

        Assert.Contains("unknown chat format", cut.Find("[role=alert]").TextContent);
        Assert.Empty(cut.FindAll(".prompt-text"));
    }
}
