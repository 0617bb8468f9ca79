using GptPlayground.Components.Models;
using GptPlayground.Tests.Web;

namespace GptPlayground.Tests.Components.Models;

/// <summary>The Models page's "Try it" panel over the real <c>tiny</c> test model.</summary>
public class TryModelTests(WebModels models) : IClassFixture<WebModels>
{
    [Fact]
    public void Generate_streams_the_output_after_the_prompt_with_a_status_line()
    {
        using var ctx = new ComponentContext();
        var cut = ctx.WithPlayground(models.Directory).Render<TryModel>(p => p.Add(x => x.Model, "tiny").Add(x => x.ContextLength, 1024));

        cut.Find("textarea[aria-label=Prompt]").Input("Once upon a time");
        cut.Find("input[aria-label='Max new tokens']").Input("5");
        cut.Find("button[aria-label=Generate]").Click();

        cut.WaitForState(() => cut.FindAll(".try-status").Count == 1 && cut.Find(".try-status").TextContent.Contains("finished"), TimeSpan.FromSeconds(30));
        Assert.StartsWith("5 tokens", cut.Find(".try-status").TextContent);
        Assert.Equal("Once upon a time", cut.Find(".try-output .prompt-echo").TextContent);
        Assert.True(cut.Find("button[aria-label=Cancel]").HasAttribute("disabled"));
    }

    [Theory]
    [InlineData("0", "must be at least 1")]
    [InlineData("2000", "must be below the model's context length (1024)")]
    public void A_token_budget_out_of_range_is_said_and_disables_generate(string typed, string message)
    {
        using var ctx = new ComponentContext();
        var cut = ctx.WithPlayground(models.Directory).Render<TryModel>(p => p.Add(x => x.Model, "tiny").Add(x => x.ContextLength, 1024));

        cut.Find("input[aria-label='Max new tokens']").Input(typed);

        cut.WaitForAssertion(() => Assert.Contains(message, cut.Find(".field-error").TextContent));
        Assert.True(cut.Find("button[aria-label=Generate]").HasAttribute("disabled"));
        Assert.Equal("true", cut.Find("input[aria-label='Max new tokens']").GetAttribute("aria-invalid"));
    }
}
