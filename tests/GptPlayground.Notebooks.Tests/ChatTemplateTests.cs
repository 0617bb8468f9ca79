using System.Text.Json;
using GptPlayground.Notebooks.Templates;

namespace GptPlayground.Notebooks.Tests;

/// <summary>
/// Real-world chat templates (ChatML, Llama-2, Llama-3, Phi-3, Zephyr, Alpaca, Qwen2, Mistral, Gemma and an indented
/// template with namespace/macro/selectattr/tojson) against the output of Jinja2 itself, configured as transformers
/// configures it (Data/make_chat_template_cases.py wrote Data/chat-template-cases.json).
/// </summary>
public class ChatTemplateTests
{
    sealed record Case(string Name, string Template, List<ChatMessage> Messages, bool AddGenerationPrompt, string? Expected, string? Error);

    static readonly List<Case> Cases = JsonSerializer.Deserialize<List<Case>>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "chat-template-cases.json")),
        new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, PropertyNameCaseInsensitive = true })!;

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases) data.Add(c.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Renders_like_jinja2(string name)
    {
        var c = Cases.Single(x => x.Name == name);

        if (c.Error is not null)
        {
            var e = Assert.Throws<ChatTemplateException>(() => ChatFormats.RenderTemplate(c.Template, c.Messages, "<s>", "</s>", c.AddGenerationPrompt));
            Assert.Contains(c.Error, e.Message);
            return;
        }
        var text = ChatFormats.RenderTemplate(c.Template, c.Messages, "<s>", "</s>", c.AddGenerationPrompt);

        Assert.Equal(c.Expected, text);
    }

    [Fact]
    public void Every_named_format_is_covered_by_the_jinja2_cases()
    {
        foreach (var name in ChatFormats.Names)
            Assert.Contains(Cases, c => c.Name.StartsWith(name + "/", StringComparison.Ordinal) && c.Template == ChatFormats.Source(name));
    }

    [Theory]
    [InlineData("chatml", "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")]
    [InlineData("llama-2", "<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST]")]
    [InlineData("llama-3", "<s><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")]
    [InlineData("phi-3", "<|system|>\nBe brief.<|end|>\n<|user|>\nHi<|end|>\n<|assistant|>\n")]
    [InlineData("zephyr", "<|system|>\nBe brief.</s>\n<|user|>\nHi</s>\n<|assistant|>\n")]
    [InlineData("alpaca", "Be brief.\n\n### Instruction:\nHi\n\n### Response:\n")]
    [InlineData("plain", "Be brief.\n\nHi")]
    public void Named_formats_give_the_published_prompt(string format, string expected)
    {
        var messages = new[] { new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi") };

        var render = ChatFormats.Render(messages, new ModelPromptInfo(null, "<s>", "</s>"), format);

        Assert.Equal(expected, render.Text);
        Assert.Equal(format, render.Format);
        Assert.Null(render.Note);
    }

    [Fact]
    public void Model_template_wins_over_the_fallback()
    {
        var model = new ModelPromptInfo(ChatFormats.Source("chatml"), null, null);

        var render = ChatFormats.Render([new ChatMessage("user", "Hi")], model, fallback: "alpaca");

        Assert.Equal("template", render.Format);
        Assert.StartsWith("<|im_start|>user", render.Text);
        Assert.False(render.AddSpecialTokens);
    }

    [Fact]
    public void Unrenderable_template_falls_back_with_a_note()
    {
        var model = new ModelPromptInfo("{% for m in messages %}<|im_start|>{{ m.content }}{% call foo() %}{% endcall %}{% endfor %}", null, null);

        var render = ChatFormats.Render([new ChatMessage("user", "Hi")], model);

        Assert.Equal("chatml", render.Format);
        Assert.Contains("could not be rendered", render.Note);
        Assert.Contains("chatml", render.Note);
    }

    [Fact]
    public void No_template_uses_plain_and_says_so()
    {
        var render = ChatFormats.Render([new ChatMessage("system", "S"), new ChatMessage("user", "U")], ModelPromptInfo.None);

        Assert.Equal("S\n\nU", render.Text);
        Assert.Contains("no chat template", render.Note);
        Assert.True(render.AddSpecialTokens);
    }

    [Theory]
    [InlineData("{{ 1 + 2 * 3 }}", "7")]
    [InlineData("{{ 7 // 2 }} {{ 7 % 3 }} {{ 2 ** 3 }} {{ 7 / 2 }}", "3 1 8 3.5")]
    [InlineData("{{ 'a' ~ 1 ~ none }}", "a1None")]
    [InlineData("{{ [1, 2, 3][1:] }} {{ 'abc'[::-1] }} {{ [1,2,3][-1] }}", "[2, 3] cba 3")]
    [InlineData("{{ x is defined }} {{ x is not defined }} {{ none is none }}", "False True True")]
    [InlineData("{{ 'b' in 'abc' }} {{ 2 not in [1, 3] }} {{ 'k' in {'k': 1} }}", "True True True")]
    [InlineData("{{ ' x '|trim|upper }} {{ 'AbC'|lower }} {{ [1,2]|length }} {{ 'a,b'.split(',')|join('-') }}", "X abc 2 a-b")]
    [InlineData("{{ x|default('d') }} {{ ''|default('e', true) }}", "d e")]
    [InlineData("{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }}{% if not loop.last %},{% endif %}{% endfor %}", "a=1,b=2")]
    [InlineData("{% for i in range(5) %}{% if i == 3 %}{% break %}{% endif %}{{ i }}{% endfor %}", "012")]
    [InlineData("{% for i in [] %}x{% else %}empty{% endfor %}", "empty")]
    [InlineData("{% set s %}in{{ 'side' }}{% endset %}{{ s }}", "inside")]
    [InlineData("{{ 'yes' if 1 > 2 else 'no' }}", "no")]
    [InlineData("{{ {'a': [1, 'x', true, none]}|tojson }}", "{\"a\": [1, \"x\", true, null]}")]
    [InlineData("  {% if true %}\n  kept\n  {% endif %}\nend", "  kept\nend")]
    [InlineData("a  {%- if true -%}  b  {%- endif -%}  c", "abc")]
    [InlineData("{# comment #}x{#- c -#} y", "xy")]
    [InlineData("{{ '{{ not a tag }}' }}", "{{ not a tag }}")]
    [InlineData("{{ {'a': {'b': 1}}|tojson }}", "{\"a\": {\"b\": 1}}")]
    public void Interpreter_matches_jinja_semantics(string template, string expected)
    {
        Assert.Equal(expected, JinjaTemplate.Parse(template).Render(new Dictionary<string, object?>()));
    }

    [Theory]
    [InlineData("{% include 'x' %}")]
    [InlineData("{{ x | nosuchfilter }}")]
    [InlineData("{% if x %}")]
    [InlineData("{{ 'a' + 1 }}")]
    [InlineData("{{ raise_exception('boom') }}")]
    [InlineData("{{ unclosed")]
    public void Unsupported_or_failing_templates_throw_the_template_error(string template)
    {
        Assert.Throws<ChatTemplateException>(() => JinjaTemplate.Parse(template).Render(new Dictionary<string, object?>()));
    }

    [Fact]
    public void Model_info_reads_tokenizer_config()
    {
        var dir = Directory.CreateTempSubdirectory("nbmodel").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"),
                """{"bos_token": {"content": "<s>", "lstrip": false}, "eos_token": "</s>", "chat_template": [{"name": "tool_use", "template": "T"}, {"name": "default", "template": "D"}]}""");

            var info = ModelPromptInfo.Load(dir);

            Assert.Equal(new ModelPromptInfo("D", "<s>", "</s>"), info);
        }
        finally { Directory.Delete(dir, true); }
    }
}
