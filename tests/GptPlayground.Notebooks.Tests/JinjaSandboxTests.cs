using System.Diagnostics;
using GptPlayground.Notebooks.Templates;

namespace GptPlayground.Notebooks.Tests;

/// <summary>
/// A chat template is code from a model folder: hostile or broken ones must end in a <see cref="ChatTemplateException"/>
/// that names the limit, quickly, never in a stack overflow (which ends the process), a pinned core or exhausted memory.
/// </summary>
public class JinjaSandboxTests
{
    static readonly Dictionary<string, object?> NoVariables = new();

    [Theory]
    [InlineData("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "macro calls deeper than 64")]
    [InlineData("{% for i in range(20000) %}{% for j in range(20000) %}{{ '' }}{% endfor %}{% endfor %}", "budget of 1,000,000 steps")]
    [InlineData("{% for i in range(20000000) %}x{% endfor %}", "range() of 20,000,000 items")]
    [InlineData("{% set ns = namespace(s='xxxxxxxxxx') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s }}", "string longer than 2,000,000")]
    [InlineData("{{ 'x' * 1000000000 }}", "string longer than 2,000,000")]
    [InlineData("{% for i in range(100000) %}{{ 'abcdefghijklmnopqrstuvwxyz' }}{% endfor %}", "output passed 2,000,000")]
    public void Hostile_templates_stop_at_a_named_limit_within_seconds(string template, string limit)
    {
        var clock = Stopwatch.StartNew();

        var e = Assert.Throws<ChatTemplateException>(() => JinjaTemplate.Parse(template).Render(NoVariables));

        Assert.Contains(limit, e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");   // a guard against hanging, not a speed test
    }

    [Fact]
    public void Source_nested_past_the_stack_is_refused_not_a_crash()
    {
        var deep = "{{ " + new string('(', 200_000) + "1" + new string(')', 200_000) + " }}";

        var e = Assert.Throws<ChatTemplateException>(() => JinjaTemplate.Parse(deep));

        Assert.Contains("nests too deeply", e.Message);
    }

    [Fact]
    public void Deep_but_bounded_recursion_within_the_limit_renders()
    {
        var template = "{% macro down(n) %}{% if n > 0 %}{{ n }} {{ down(n - 1) }}{% endif %}{% endmacro %}{{ down(10) }}";

        Assert.Equal("10 9 8 7 6 5 4 3 2 1 ", JinjaTemplate.Parse(template).Render(NoVariables));
    }

    [Fact]
    public void Limits_are_configurable()
    {
        var template = JinjaTemplate.Parse("{% for i in range(50) %}{{ i }}{% endfor %}");

        var e = Assert.Throws<ChatTemplateException>(() => template.Render(NoVariables, new JinjaLimits(MaxSteps: 60)));

        Assert.Contains("budget of 60 steps", e.Message);
        Assert.Equal(string.Concat(Enumerable.Range(0, 50)), template.Render(NoVariables));
    }

    [Fact]
    public void A_cancelled_render_stops()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var template = JinjaTemplate.Parse("{% for i in range(100000) %}{% for j in range(5) %}{% endfor %}{% endfor %}");

        Assert.ThrowsAny<OperationCanceledException>(() => template.Render(NoVariables, JinjaLimits.Default with { MaxSteps = long.MaxValue }, cancel.Token));
    }

    [Fact]
    public void A_hostile_model_template_falls_back_to_a_named_format_with_a_note_naming_the_limit()
    {
        var model = new ModelPromptInfo("<|user|>{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "<s>", "</s>");

        var chat = ChatFormats.Render([new ChatMessage("user", "hi")], model);

        Assert.Equal("zephyr", chat.Format);
        Assert.Contains("the model's chat template could not be rendered (the template nests macro calls deeper than 64", chat.Note);
    }

    [Fact]
    public void A_template_that_ran_past_its_budget_is_not_rendered_again_and_the_note_says_so()
    {
        // a loop of 1,000,000+ steps: about a second of a core each time it is tried
        var model = new ModelPromptInfo("<|im_start|>{% for i in range(99999) %}{% for j in range(99999) %}{{ '' }}{% endfor %}{% endfor %}", "<s>", "</s>");

        var first = ChatFormats.Render([new ChatMessage("user", "hi")], model);
        var second = ChatFormats.Render([new ChatMessage("user", "a different question")], model);

        Assert.Contains("could not be rendered (the template ran past its budget of 1,000,000 steps", first.Note);
        Assert.Equal("chatml", second.Format);
        Assert.Contains("ran past a budget earlier (the template ran past its budget of 1,000,000 steps", second.Note);
        Assert.Contains("a different question", second.Text);
    }

    [Fact]
    public void A_template_error_that_is_no_budget_is_tried_again()
    {
        var model = new ModelPromptInfo("{{ raise_exception('only user and assistant roles') }}", null, null);

        var first = ChatFormats.Render([new ChatMessage("user", "hi")], model);
        var second = ChatFormats.Render([new ChatMessage("user", "hi")], model);

        Assert.Contains("could not be rendered (the template raised: only user and assistant roles)", first.Note);
        Assert.Equal(first.Note, second.Note);
    }
}
