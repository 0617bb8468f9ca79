using GptPlayground.Components.Decoding;
using GptPlayground.Decoding;

namespace GptPlayground.Tests.Components.Decoding;

public class DecodingPanelTests
{
    [Fact]
    public void Every_setting_has_a_field_and_its_one_sentence_explanation()
    {
        using var ctx = new ComponentContext();

        var cut = ctx.Render<DecodingPanel>(p => p.Add(x => x.Value, new DecodingSettings()));

        foreach (var name in DecodingSettings.Names)
        {
            var field = cut.Find($"[data-setting='{name}']");
            Assert.Contains(DecodingSettings.Describe(name), field.TextContent);
        }
    }

    [Fact]
    public void Invalid_value_shows_an_inline_error_naming_the_parameter_and_its_value()
    {
        using var ctx = new ComponentContext();

        var cut = ctx.Render<DecodingPanel>(p => p.Add(x => x.Value, new DecodingSettings { DoSample = true, Temperature = -1 }));

        var error = cut.Find("[data-setting='temperature'] .setting-error");
        Assert.Contains("temperature (=-1)", error.TextContent);
        Assert.Contains("has-error", cut.Find("[data-setting='temperature']").ClassName);
        Assert.Contains("fix before running", cut.Find(".decoding-summary").TextContent);
    }

    [Fact]
    public void Setting_ignored_by_the_mode_shows_a_warning_not_an_error()
    {
        using var ctx = new ComponentContext();

        var cut = ctx.Render<DecodingPanel>(p => p.Add(x => x.Value, new DecodingSettings { DoSample = false, TopP = 0.9 }));

        Assert.Contains("is ignored", cut.Find("[data-setting='top_p'] .setting-warning").TextContent);
        Assert.Empty(cut.FindAll(".setting-error"));
    }

    [Theory]
    [InlineData("temperature", "NaN", "temperature (=NaN) is not a number")]
    [InlineData("temperature", "abc", "temperature (=abc) is not a number")]
    [InlineData("top_p", "0,9", "top_p (=0,9) is not a number")]
    [InlineData("max_new_tokens", "99999999999", "max_new_tokens (=99999999999) must be a whole number")]
    [InlineData("top_k", "1.5", "top_k (=1.5) must be a whole number")]
    public void Text_that_is_no_number_stays_in_the_field_with_a_message(string setting, string typed, string message)
    {
        using var ctx = new ComponentContext();
        DecodingSettings? changed = null;
        var cut = ctx.Render<DecodingPanel>(p => p.Add(x => x.Value, new DecodingSettings()).Add(x => x.ValueChanged, s => changed = s));

        cut.Find($"[data-setting='{setting}'] input").Change(typed);

        Assert.Null(changed);                                                            // nothing half-parsed is kept
        Assert.Equal(typed, cut.Find($"[data-setting='{setting}'] input").GetAttribute("value"));
        Assert.Contains(message, cut.Find($"[data-setting='{setting}'] .setting-error").TextContent);
    }

    [Theory]
    [InlineData("1e-300", 1e-300)]
    [InlineData("1e308", 1e308)]      // Radzen's field made it 1308
    [InlineData(" 0.25 ", 0.25)]
    public void Numbers_in_any_float_notation_are_taken_exactly(string typed, double expected)
    {
        using var ctx = new ComponentContext();
        DecodingSettings? changed = null;
        var cut = ctx.Render<DecodingPanel>(p => p.Add(x => x.Value, new DecodingSettings()).Add(x => x.ValueChanged, s => changed = s));

        cut.Find("[data-setting='temperature'] input").Change(typed);

        Assert.Equal(expected, changed?.Temperature);
        Assert.Empty(cut.FindAll("[data-setting='temperature'] .setting-error"));
    }

    [Fact]
    public void Inherited_settings_are_validated_and_shown_as_placeholders()
    {
        using var ctx = new ComponentContext();

        var cut = ctx.Render<DecodingPanel>(p => p
            .Add(x => x.Value, new DecodingSettings { TopP = 0.9 })
            .Add(x => x.Inherited, new DecodingSettings { DoSample = true, Temperature = 0.7 }));

        Assert.Empty(cut.FindAll(".setting-warning"));
        Assert.Equal("sample t=0.7 top-p 0.9", cut.Find(".decoding-summary strong").TextContent);
        Assert.Equal("notebook: 0.7", cut.Find("[data-setting='temperature'] input").GetAttribute("placeholder"));
    }

    [Fact]
    public void Editing_a_field_raises_ValueChanged_with_the_new_settings()
    {
        using var ctx = new ComponentContext();
        DecodingSettings? changed = null;
        var cut = ctx.Render<DecodingPanel>(p => p
            .Add(x => x.Value, new DecodingSettings())
            .Add(x => x.ValueChanged, s => changed = s));

        cut.Find("[data-setting='max_new_tokens'] input").Change("0");

        Assert.Equal(0, changed?.MaxNewTokens);
        Assert.Contains("max_new_tokens (=0) must be >= 1", cut.Find("[data-setting='max_new_tokens'] .setting-error").TextContent);
    }

    [Fact]
    public void Bad_seed_text_is_refused_with_a_message()
    {
        using var ctx = new ComponentContext();
        DecodingSettings? changed = null;
        var cut = ctx.Render<DecodingPanel>(p => p.Add(x => x.ValueChanged, s => changed = s));

        cut.Find("[data-setting='seed'] input").Change("-3");

        Assert.Null(changed);
        Assert.Contains("seed (=-3) must be a whole number", cut.Find("[data-setting='seed'] .setting-error").TextContent);
    }
}
