using GptPlayground.Components.Tokens;
using GptPlayground.Inference.Generation;
using GptPlayground.Services;

namespace GptPlayground.Tests.Components.Tokens;

public class TokenViewTests
{
    static readonly TokenDetail Likely = new(5, "cat", MathF.Log(0.9f), MathF.Log(0.95f),
        [new TokenLogprob(5, MathF.Log(0.9f), "cat"), new TokenLogprob(7, MathF.Log(0.05f), "dog")],
        [new TokenLogprob(5, MathF.Log(0.95f), "cat")]);
    static readonly TokenDetail Unlikely = new(9, " sat", MathF.Log(0.01f), null, [new TokenLogprob(3, MathF.Log(0.6f), " ran")], []);

    [Fact]
    public void Tokens_are_coloured_by_probability_green_likely_red_unlikely()
    {
        using var ctx = new ComponentContext();

        var cut = ctx.Render<TokenView>(p => p.Add(x => x.Tokens, [Likely, Unlikely]));

        var tokens = cut.FindAll(".tok");
        Assert.Equal(2, tokens.Count);
        Assert.Contains("hsl(108,", tokens[0].GetAttribute("style"));
        Assert.Contains("hsl(1,", tokens[1].GetAttribute("style"));
    }

    [Fact]
    public void Each_token_is_focusable_and_its_tooltip_shows_logprob_and_raw_and_processed_alternatives()
    {
        using var ctx = new ComponentContext();

        var cut = ctx.Render<TokenView>(p => p.Add(x => x.Tokens, [Likely]));

        var token = cut.Find(".tok");
        Assert.Equal("0", token.GetAttribute("tabindex"));
        var tooltip = token.QuerySelector("[role=tooltip]")!.TextContent;
        Assert.Contains("logprob -0.105", tooltip);
        Assert.Contains("p 90.0%", tooltip);
        Assert.Contains("after filters: logprob -0.051", tooltip);
        var columns = token.QuerySelectorAll(".tok-col");
        Assert.Equal(2, columns.Length);
        Assert.Contains("raw", columns[0].TextContent);
        Assert.Contains("dog", columns[0].TextContent);
        Assert.Contains("after filters", columns[1].TextContent);
        Assert.DoesNotContain("dog", columns[1].TextContent);
    }

    [Fact]
    public void Prompt_mode_colours_by_surprisal_and_first_token_has_no_logprob()
    {
        using var ctx = new ComponentContext();
        var first = new TokenDetail(1, "The", null, null, [], []);

        var cut = ctx.Render<TokenView>(p => p.Add(x => x.Tokens, [first, Unlikely]).Add(x => x.Surprisal, true));

        Assert.Equal("surprisal", cut.Find(".token-view").GetAttribute("data-mode"));
        Assert.Contains("no context", cut.FindAll(".tok")[0].TextContent);
        Assert.Contains("6.64 bits", cut.FindAll(".tok")[1].TextContent);
    }

    [Theory]
    [InlineData(0.9, "90.0%")]
    [InlineData(0.026, "2.6%")]
    [InlineData(0.000262, "0.026%")]
    [InlineData(0.0000031, "0.00031%")]
    [InlineData(1e-9, "<0.0001%")]
    [InlineData(0.0, "0.0%")]
    public void Probabilities_print_readably_never_in_scientific_notation(double p, string expected)
    {
        Assert.Equal(expected, TokenView.FormatProbability(p));
    }

    [Fact]
    public void A_rare_alternative_prints_as_a_plain_percentage_in_the_tooltip()
    {
        using var ctx = new ComponentContext();
        var token = new TokenDetail(5, "cat", MathF.Log(0.9f), null, [new TokenLogprob(5, MathF.Log(0.9f), "cat"), new TokenLogprob(7, MathF.Log(0.000262f), "dog")], []);

        var cut = ctx.Render<TokenView>(p => p.Add(x => x.Tokens, [token]));

        Assert.Contains("0.026%", cut.Find(".tok-alts").TextContent);
        Assert.DoesNotContain("e-", cut.Find(".tok-alts").TextContent);
    }

    [Fact]
    public void A_remote_models_token_says_what_the_remote_model_cannot_show()
    {
        using var ctx = new ComponentContext();
        var withLogprobs = TokenDetail.FromStep(new GenerationStep(0, 0, RemoteGeneration.UnknownToken, " red", MathF.Log(0.5f),
            [new TokenLogprob(RemoteGeneration.UnknownToken, MathF.Log(0.5f), " red"), new TokenLogprob(RemoteGeneration.UnknownToken, MathF.Log(0.2f), " blue")], null));
        var without = TokenDetail.FromStep(new GenerationStep(0, 1, RemoteGeneration.UnknownToken, " sky", float.NaN, [], null));

        var cut = ctx.Render<TokenView>(p => p.Add(x => x.Tokens, [withLogprobs, without]));

        var tips = cut.FindAll("[role=tooltip]").Select(t => t.TextContent).ToList();
        Assert.All(tips, t => Assert.Contains("remote model: no token id", t));
        Assert.All(tips, t => Assert.Contains("after the filters are not available from a remote model", t));
        Assert.Contains("p 50.0%", tips[0]);
        Assert.Contains("the remote server returned no log-probabilities", tips[1]);
        Assert.Single(cut.FindAll(".tok-alt.chosen"));             // " red" only, not every alternative without an id
    }
}
