using GptPlayground.Decoding;
using GptPlayground.Notebooks.Templates;
using GptPlayground.Tokenizers;

namespace GptPlayground.Notebooks.Tests;

public class PromptRendererTests
{
    /// <summary>One id per character, BOS = 1 when special tokens are added.</summary>
    sealed class CharTokenizer : ITokenizer
    {
        public int VocabSize => 65536;
        public SpecialTokenIds Special { get; } = new(1, [2], null, null, true);
        public int[] Encode(string text, bool addSpecialTokens = true) => [.. addSpecialTokens ? new[] { 1 } : [], .. text.Select(c => (int)c)];
        public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false) => throw new NotSupportedException();
        public ReadOnlySpan<byte> TokenBytes(int id) => throw new NotSupportedException();
        public string TokenToDisplay(int id) => throw new NotSupportedException();
        public bool IsSpecialToken(int id) => id is 1 or 2;
        public StreamingDecoder CreateStreamingDecoder(bool skipSpecialTokens = false) => throw new NotSupportedException();
    }

    [Fact]
    public void Zero_shot_joins_instruction_and_input_with_variables()
    {
        var nb = new Notebook { Variables = [new("word", "hot")] };
        var cell = new ZeroShotCell { Instruction = "Give the opposite word.", Input = "Q: {{word}}\nA:" };

        var r = PromptRenderer.Render(nb, cell);

        Assert.Equal("Give the opposite word.\n\nQ: hot\nA:", r.Text);
        Assert.Equal("completion", r.Format);
        Assert.Empty(r.Notes);
    }

    [Fact]
    public void Few_shot_renders_enabled_examples_then_the_query_up_to_the_output()
    {
        var cell = new FewShotCell
        {
            Instruction = "Opposites.",
            Separator = "\n",
            Examples = [new("big", "small"), new("up", "down", enabled: false), new("{{w}}", "cold")],
            Query = "dark",
            Variables = [new("w", "hot")],
        };

        var r = PromptRenderer.Render(new Notebook(), cell);

        Assert.Equal("Opposites.\nQ: big\nA: small\nQ: hot\nA: cold\nQ: dark\nA:", r.Text);
    }

    [Fact]
    public void Cell_variables_win_and_unknown_placeholders_stay_with_a_note()
    {
        var nb = new Notebook { Variables = [new("x", "notebook")] };
        var cell = new ZeroShotCell { Input = "{{x}} {{ y }} {{input}}", Variables = [new("x", "cell")] };

        var r = PromptRenderer.Render(nb, cell);

        Assert.Equal("cell {{ y }} {{input}}", r.Text);
        Assert.Contains(r.Notes, n => n.Contains("{{y}}"));
    }

    [Fact]
    public void Values_are_not_expanded_twice()
    {
        var nb = new Notebook { Variables = [new("a", "{{b}}"), new("b", "B")] };

        var r = PromptRenderer.Render(nb, new ZeroShotCell { Input = "{{a}}" });

        Assert.Equal("{{b}}", r.Text);
    }

    [Fact]
    public void Instruction_uses_the_model_template_and_encodes_without_bos()
    {
        var model = new ModelPromptInfo(ChatFormats.Source("llama-2"), "<s>", "</s>");
        var cell = new InstructionCell { System = "Be brief.", User = "Plural of {{w}}?", Variables = [new("w", "mouse")] };

        var r = PromptRenderer.Render(new Notebook(), cell, model, new CharTokenizer());

        Assert.Equal("<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nPlural of mouse? [/INST]", r.Text);
        Assert.Equal("template", r.Format);
        Assert.False(r.AddSpecialTokens);
        Assert.Equal(r.Text.Select(c => (int)c), r.TokenIds!);
    }

    [Fact]
    public void Instruction_without_a_template_uses_the_notebook_format()
    {
        var nb = new Notebook { ChatFormat = "alpaca" };

        var r = PromptRenderer.Render(nb, new InstructionCell { User = "List three colours." }, ModelPromptInfo.None, new CharTokenizer());

        Assert.Equal("Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\nList three colours.\n\n### Response:\n", r.Text);
        Assert.Equal(1, r.TokenIds![0]);
    }

    [Fact]
    public void Cell_chat_format_overrides_the_model_template()
    {
        var model = new ModelPromptInfo(ChatFormats.Source("llama-2"), "<s>", "</s>");

        var r = PromptRenderer.Render(new Notebook(), new InstructionCell { User = "Hi", ChatFormat = "chatml" }, model);

        Assert.Equal("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", r.Text);
    }

    [Fact]
    public void Variants_start_from_the_notebook_settings()
    {
        var nb = new Notebook { Decoding = new DecodingSettings { MaxNewTokens = 16, Temperature = 0.5 } };
        var cell = new ZeroShotCell { Variants = [new("hot", new DecodingSettings { Temperature = 1.2, DoSample = true })] };

        var variants = PromptRenderer.VariantsOf(nb, cell);
        var defaults = PromptRenderer.VariantsOf(nb, new ZeroShotCell());

        Assert.Equal(new DecodingSettings { MaxNewTokens = 16, Temperature = 1.2, DoSample = true }, variants.Single().Settings);
        Assert.Equal("default", defaults.Single().Name);
        Assert.Equal(16, defaults.Single().Settings.MaxNewTokens);
    }
}

public class NotebookValidationTests
{
    [Fact]
    public void Invalid_and_ignored_settings_are_reported_per_cell_and_variant()
    {
        var nb = new Notebook
        {
            Decoding = new DecodingSettings { MaxNewTokens = 8 },
            Cells = [new MarkdownCell("x"), new ZeroShotCell { Name = "a", Variants = [new("cold", new DecodingSettings { DoSample = true, Temperature = 0 }), new("ok", new DecodingSettings())] }],
        };

        var issues = NotebookValidation.Validate(nb);

        var error = Assert.Single(issues, i => i.IsError);
        Assert.Equal((1, "a", "cold", "temperature"), (error.Cell, error.CellName, error.Variant, error.Parameter));
        Assert.DoesNotContain(issues, i => i.Variant == "ok" && i.IsError);
    }

    [Fact]
    public void The_examples_have_no_decoding_errors()
    {
        foreach (var file in TestFiles.Examples())
        {
            var issues = NotebookValidation.Validate(NotebookFormat.Parse(File.ReadAllText(file)));

            Assert.True(!issues.Any(i => i.IsError), $"{Path.GetFileName(file)}: {string.Join("; ", issues.Select(i => i.Message))}");
        }
    }
}
