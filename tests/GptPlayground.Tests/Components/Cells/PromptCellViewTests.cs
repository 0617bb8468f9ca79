using GptPlayground.Components.Cells;
using GptPlayground.Decoding;
using GptPlayground.Notebooks;
using GptPlayground.Tests.Web;

namespace GptPlayground.Tests.Components.Cells;

/// <summary>A prompt cell over the real <c>tiny</c> test model: preview, variants, runs, errors, prompt styles.</summary>
public class PromptCellViewTests(WebModels models) : IClassFixture<WebModels>
{
    static Notebook NotebookWith(PromptCell cell) => new()
    {
        Model = "tiny",
        Decoding = new DecodingSettings { MaxNewTokens = 6, MinNewTokens = 6 },
        Cells = [cell],
    };

    IRenderedComponent<PromptCellView> Render(ComponentContext ctx, Notebook notebook, PromptCell cell) =>
        ctx.WithPlayground(models.Directory).Render<PromptCellView>(p => p
            .Add(x => x.Notebook, notebook).Add(x => x.Cell, cell).Add(x => x.Models, ["tiny"]));

    [Fact]
    public void Preview_shows_the_exact_prompt_its_token_count_and_context_usage()
    {
        using var ctx = new ComponentContext();
        var cell = new ZeroShotCell { Instruction = "Continue.", Input = "Once upon a time" };

        var cut = Render(ctx, NotebookWith(cell), cell);

        Assert.Equal("Continue.\n\nOnce upon a time", cut.Find(".prompt-text").TextContent);
        Assert.Matches(@"^\d+ tokens of 1024 \(", cut.Find(".prompt-count").TextContent);
        Assert.NotNull(cut.Find("[role=progressbar][aria-label='Context window usage']"));
    }

    [Fact]
    public void Preview_follows_edits()
    {
        using var ctx = new ComponentContext();
        var cell = new ZeroShotCell { Input = "Hello" };
        var cut = Render(ctx, NotebookWith(cell), cell);

        cut.Find("textarea[aria-label=Input]").Input("Goodbye");

        Assert.Equal("Goodbye", cut.Find(".prompt-text").TextContent);
    }

    [Fact]
    public void A_keystroke_re_renders_the_preview_but_not_the_fields_buttons_or_output_columns()
    {
        using var ctx = new ComponentContext();
        var cell = new FewShotCell
        {
            Template = "Input: {{input}}\nOutput: {{output}}",
            Examples = [new FewShotExample("dog", "dogs"), new FewShotExample("box", "boxes")],
            Query = "cat",
        };
        var cut = Render(ctx, NotebookWith(cell), cell);
        var fields = cut.FindComponent<FewShotFields>();
        var grid = cut.FindComponent<VariantGrid>();
        var preview = cut.FindComponent<PromptPreview>();
        int fieldRenders = fields.RenderCount, gridRenders = grid.RenderCount, previewRenders = preview.RenderCount;

        cut.Find("textarea[aria-label=Query]").Input("fox");
        cut.Find("textarea[aria-label=Query]").Input("foxe");

        Assert.EndsWith("Input: foxe\nOutput:", cut.Find(".prompt-text").TextContent);
        Assert.Equal(previewRenders + 2, preview.RenderCount);
        Assert.Equal(fieldRenders, fields.RenderCount);
        Assert.Equal(gridRenders, grid.RenderCount);
    }

    [Fact]
    public void A_keystroke_that_changes_a_column_s_settings_check_redraws_the_columns()
    {
        using var ctx = new ComponentContext();
        // the variant asks for 1,000 new tokens of the 1,024-token context: a prompt longer than 24 tokens no longer fits
        var cell = new ZeroShotCell { Input = "Hello", Variants = [new DecodingVariant("long", new DecodingSettings { MaxNewTokens = 1000 })] };
        var cut = Render(ctx, NotebookWith(cell), cell);
        Assert.Empty(cut.FindAll("[data-variant='long'] .variant-warning"));

        cut.Find("textarea[aria-label=Input]").Input(string.Join(' ', Enumerable.Repeat("word", 60)));

        Assert.Contains("does not fit after the", cut.Find("[data-variant='long'] .variant-warning").TextContent);
    }

    [Fact]
    public void Buttons_still_redraw_the_whole_cell_after_keystrokes()
    {
        using var ctx = new ComponentContext();
        var cell = new ZeroShotCell { Input = "Hello" };
        var cut = Render(ctx, NotebookWith(cell), cell);

        cut.Find("textarea[aria-label=Input]").Input("Hello there");
        cut.Find("button[aria-label='Token view']").Click();

        Assert.Equal("true", cut.Find("button[aria-label='Token view']").GetAttribute("aria-pressed"));
    }

    [Fact]
    public void Add_variant_with_a_preset_adds_a_column_next_to_the_default()
    {
        using var ctx = new ComponentContext();
        var cell = new ZeroShotCell { Input = "Hello" };
        _ = ctx.WithPlayground(models.Directory).Popovers;
        var cut = ctx.Render<PromptCellView>(p => p.Add(x => x.Notebook, NotebookWith(cell)).Add(x => x.Cell, cell).Add(x => x.Models, ["tiny"]));

        ctx.Choose(cut, "Variant preset", "Beam 4");
        cut.Find("button[aria-label='Add variant']").Click();

        cut.WaitForAssertion(() => Assert.Equal(["default", "beam-4"], cut.FindAll("[data-variant]").Select(c => c.GetAttribute("data-variant"))));
        Assert.Contains("beam 4", cut.Find("[data-variant='beam-4'] .variant-summary").TextContent);
        Assert.Equal(4, cell.Variants[1].Settings.NumBeams);
    }

    [Fact]
    public void Renaming_a_variant_renames_its_column_and_saved_outputs_and_refuses_a_taken_name()
    {
        using var ctx = new ComponentContext();
        var cell = new ZeroShotCell
        {
            Input = "Hello",
            Variants = [new DecodingVariant("greedy", new DecodingSettings()), new DecodingVariant("hot", new DecodingSettings { DoSample = true, Temperature = 1.5 })],
            Outputs = [new CellOutput { Variant = "hot", Text = "saved text" }],
        };
        var cut = Render(ctx, NotebookWith(cell), cell);

        cut.Find("button[aria-label='Edit variant hot']").Click();
        cut.WaitForAssertion(() => cut.Find("input[aria-label='Variant name']"));
        cut.Find("input[aria-label='Variant name']").Change("greedy");
        cut.WaitForAssertion(() => Assert.Contains("'greedy' is already a variant", cut.Find(".variant-rename-error").TextContent));
        cut.Find("input[aria-label='Variant name']").Change("creative");

        cut.WaitForAssertion(() => Assert.Equal(["greedy", "creative"], cut.FindAll("[data-variant]").Select(c => c.GetAttribute("data-variant"))));
        Assert.Equal("creative", cell.Variants[1].Name);
        Assert.Equal(1.5, cell.Variants[1].Settings.Temperature);
        Assert.Equal("creative", Assert.Single(cell.Outputs).Variant);
        Assert.Contains("saved text", cut.Find("[data-variant='creative']").TextContent);
    }

    [Fact]
    public void Run_cell_streams_every_variant_into_its_column()
    {
        using var ctx = new ComponentContext();
        var cell = new ZeroShotCell
        {
            Input = "Once upon a time",
            Variants = [new("greedy", new DecodingSettings()), new("balanced", new DecodingSettings { DoSample = true, Temperature = 0.7, TopP = 0.9 })],
        };
        var cut = Render(ctx, NotebookWith(cell), cell);

        cut.Find("button[aria-label='Run cell']").Click();

        cut.WaitForState(() => cut.FindAll(".variant-status").All(s => s.TextContent.Contains("finished")), TimeSpan.FromSeconds(30));
        foreach (var column in cut.FindAll("[data-variant]"))
        {
            Assert.StartsWith("6 tokens", column.QuerySelector(".variant-status")!.TextContent);
            Assert.Contains("tokens/s", column.QuerySelector(".variant-status")!.TextContent);
        }
        Assert.Contains("seed 42", cut.Find("[data-variant='balanced'] .variant-status").TextContent);
        cut.WaitForAssertion(() => Assert.Equal(["greedy", "balanced"], cell.Outputs.Select(o => o.Variant)));
    }

    [Fact]
    public void Invalid_settings_show_an_error_inside_the_column_and_the_other_column_still_runs()
    {
        using var ctx = new ComponentContext();
        var cell = new ZeroShotCell
        {
            Input = "Hello",
            Variants = [new("ok", new DecodingSettings()), new("bad", new DecodingSettings { DoSample = true, Temperature = -1 })],
        };
        var cut = Render(ctx, NotebookWith(cell), cell);

        cut.Find("button[aria-label='Run cell']").Click();

        cut.WaitForState(() => cut.Find("[data-variant='ok'] .variant-status").TextContent.Contains("finished"), TimeSpan.FromSeconds(30));
        Assert.Contains("temperature (=-1)", cut.Find("[data-variant='bad'] [role=alert]").TextContent);
        Assert.Contains("finished", cut.Find("[data-variant='ok'] .variant-status").TextContent);
    }

    [Fact]
    public void Settings_errors_and_ignored_settings_show_in_the_column_before_running()
    {
        using var ctx = new ComponentContext();
        var cell = new ZeroShotCell
        {
            Input = "Hello",
            Variants = [new("bad", new DecodingSettings { DoSample = true, TopP = 1.5 }), new("ignored", new DecodingSettings { TopP = 0.9 })],
        };

        var cut = Render(ctx, NotebookWith(cell), cell);

        Assert.Contains("top_p (=1.5)", cut.Find("[data-variant='bad'] .variant-invalid").TextContent);
        Assert.Contains("is ignored", cut.Find("[data-variant='ignored'] .variant-warning").TextContent);
        Assert.Empty(cut.FindAll("[data-variant='ignored'] .variant-invalid"));
    }

    [Fact]
    public void Token_view_switch_shows_the_output_as_coloured_tokens()
    {
        using var ctx = new ComponentContext();
        var cell = new ZeroShotCell { Input = "Once upon a time" };
        var cut = Render(ctx, NotebookWith(cell), cell);
        cut.Find("button[aria-label='Token view']").Click();
        cut.WaitForState(() => cut.Find("button[aria-label='Token view']").GetAttribute("aria-pressed") == "true");

        cut.Find("button[aria-label='Run cell']").Click();
        cut.WaitForState(() => cut.FindAll("[data-variant='default'] .tok").Count == 6, TimeSpan.FromSeconds(30));

        Assert.Equal(6, cut.FindAll("[data-variant='default'] .tok").Count);
        Assert.Equal("true", cut.Find("button[aria-label='Token view']").GetAttribute("aria-pressed"));
    }

    [Fact]
    public void Compare_prompt_styles_runs_zero_shot_few_shot_and_instruction_side_by_side()
    {
        using var ctx = new ComponentContext();
        var cell = new FewShotCell { Instruction = "Label it.", Examples = [new FewShotExample("good", "positive")], Query = "bad" };
        var cut = Render(ctx, NotebookWith(cell), cell);

        cut.Find("button[aria-label='Compare prompt styles']").Click();

        cut.WaitForState(() => cut.FindAll("[aria-label='Prompt styles side by side'] .variant-status").Count == 3
            && cut.FindAll("[aria-label='Prompt styles side by side'] .variant-status").All(s => s.TextContent.Contains("finished")), TimeSpan.FromSeconds(30));
        Assert.Equal(["zero-shot", "few-shot", "instruction"],
            cut.FindAll("[aria-label='Prompt styles side by side'] [data-variant]").Select(c => c.GetAttribute("data-variant")));
    }

    [Fact]
    public void Compare_prompt_styles_shows_each_columns_exact_prompt_and_the_zero_shot_of_a_few_shot_cell_keeps_the_template_cue()
    {
        using var ctx = new ComponentContext();
        var cell = new FewShotCell { Instruction = "Label it.", Examples = [new FewShotExample("good", "positive")], Query = "bad" };
        var cut = Render(ctx, NotebookWith(cell), cell);

        cut.Find("button[aria-label='Compare prompt styles']").Click();

        cut.WaitForState(() => cut.FindAll("[aria-label='Prompt styles side by side'] pre[aria-label^='Prompt of']").Count == 3, TimeSpan.FromSeconds(30));
        var zeroShot = cut.Find("pre[aria-label='Prompt of zero-shot']").TextContent;
        Assert.Contains("Label it.", zeroShot);
        Assert.EndsWith("Q: bad\nA:", zeroShot);
        Assert.DoesNotContain("good", zeroShot);
        Assert.Contains("no examples", cut.Find("[data-variant='zero-shot'] .column-prompt summary").TextContent);
        Assert.Contains("good", cut.Find("pre[aria-label='Prompt of few-shot']").TextContent);
        cut.WaitForState(() => !cut.Find("button[aria-label='Run cell']").HasAttribute("disabled"), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void A_column_warns_only_about_settings_its_own_variant_sets_not_inherited_ones()
    {
        using var ctx = new ComponentContext();
        var cell = new ZeroShotCell
        {
            Input = "Hello",
            Variants = [new("greedy", new DecodingSettings { DoSample = false }), new("greedy-top-p", new DecodingSettings { DoSample = false, TopP = 0.5 })],
        };
        var notebook = NotebookWith(cell);
        notebook.Decoding = notebook.Decoding! with { Temperature = 0.7, TopP = 0.9, Seed = 42 };   // sampling defaults, as the shipped notebooks have

        var cut = Render(ctx, notebook, cell);

        Assert.Empty(cut.FindAll("[data-variant='greedy'] .variant-warning"));
        var warning = Assert.Single(cut.FindAll("[data-variant='greedy-top-p'] .variant-warning"));
        Assert.Contains("top_p", warning.TextContent);
    }

    [Fact]
    public void Prompt_surprisal_is_marked_stale_once_the_prompt_changes()
    {
        using var ctx = new ComponentContext();
        var cell = new ZeroShotCell { Input = "Once upon a time" };
        var cut = Render(ctx, NotebookWith(cell), cell);

        cut.Find("button[aria-label='Score prompt']").Click();
        cut.WaitForState(() => cut.FindAll(".prompt-scored").Count == 1, TimeSpan.FromSeconds(30));
        Assert.Equal("false", cut.Find(".prompt-scored").GetAttribute("data-stale"));
        Assert.Empty(cut.FindAll(".score-stale"));

        cut.Find("textarea[aria-label=Input]").Input("Something else entirely");

        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find(".prompt-scored").GetAttribute("data-stale")));
        Assert.Contains("stale", cut.Find(".score-stale").TextContent);
    }

    [Fact]
    public void The_editor_and_the_outputs_are_two_panes_of_the_cell()
    {
        using var ctx = new ComponentContext();
        var cell = new ZeroShotCell { Input = "Hello" };

        var cut = Render(ctx, NotebookWith(cell), cell);

        Assert.NotNull(cut.Find(".prompt-cell > .cell-editor textarea[aria-label=Input]"));
        Assert.NotNull(cut.Find(".prompt-cell > .cell-editor button[aria-label='Run cell']"));
        Assert.NotNull(cut.Find(".prompt-cell > .cell-outputs [aria-label='Decoding variants side by side']"));
    }

    [Fact]
    public void Expected_output_is_shown_and_each_column_judged()
    {
        using var ctx = new ComponentContext();
        var cell = new ZeroShotCell { Input = "Hello", Expected = "surely not this" };
        var cut = Render(ctx, NotebookWith(cell), cell);

        Assert.Contains("surely not this", cut.Find(".expected-line").TextContent);
        cut.Find("button[aria-label='Run cell']").Click();

        cut.WaitForState(() => cut.FindAll("[data-variant='default'] .expected-judge").Count == 1, TimeSpan.FromSeconds(30));
        Assert.Equal("false", cut.Find("[data-variant='default'] .expected-judge").GetAttribute("data-match"));
    }
}
