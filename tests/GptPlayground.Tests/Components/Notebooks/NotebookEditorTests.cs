using GptPlayground.Components.Notebooks;
using GptPlayground.Notebooks;
using GptPlayground.Tests.Web;

namespace GptPlayground.Tests.Components.Notebooks;

/// <summary>The editor over a temp prompts folder: cells, save, conflicts, unsaved-changes state.</summary>
public class NotebookEditorTests(WebModels models) : IClassFixture<WebModels>, IDisposable
{
    readonly string prompts = Directory.CreateTempSubdirectory("gptplayground-editor-").FullName;

    const string Text = """
        ---
        title: Demo
        model: tiny
        ---

        Intro.

        ## Zero-shot: first

        ```input
        Hello
        ```
        """;

    public void Dispose()
    {
        try { Directory.Delete(prompts, recursive: true); } catch (IOException) { }
    }

    IRenderedComponent<NotebookEditor> Open(ComponentContext ctx, string name = "demo.md")
    {
        File.WriteAllText(Path.Combine(prompts, name), Text);
        var cut = ctx.WithPlayground(models.Directory, prompts).Render<NotebookEditor>(p => p.Add(x => x.Name, name));
        cut.WaitForState(() => cut.FindAll("[data-cell]").Count > 0, TimeSpan.FromSeconds(10));
        return cut;
    }

    [Fact]
    public void Shows_each_cell_in_order_with_its_kind()
    {
        using var ctx = new ComponentContext();

        var cut = Open(ctx);

        Assert.Equal(["markdown", "zero-shot"], cut.FindAll("[data-cell]").Select(c => c.GetAttribute("data-kind")));
        Assert.Equal("false", cut.Find(".notebook-editor").GetAttribute("data-dirty"));
    }

    [Theory]
    [InlineData("few-shot")]
    [InlineData("instruction")]
    [InlineData("markdown")]
    [InlineData("zero-shot")]
    public void Add_cell_appends_a_cell_of_the_chosen_kind_and_marks_unsaved(string kind)
    {
        using var ctx = new ComponentContext();
        var cut = Open(ctx);

        cut.Find($"[aria-label='Cell kind'] button[data-kind='{kind}']").Click();
        cut.Find("button[aria-label='Add cell']").Click();

        cut.WaitForState(() => cut.FindAll("[data-cell]").Count == 3, TimeSpan.FromSeconds(5));
        Assert.Equal(kind, cut.FindAll("[data-cell]")[^1].GetAttribute("data-kind"));
        Assert.Equal(3, cut.FindAll("[data-cell]").Count);
        Assert.Equal("true", cut.Find(".notebook-editor").GetAttribute("data-dirty"));
        Assert.Equal("unsaved changes", cut.Find(".save-state").TextContent);
    }

    [Fact]
    public void Move_duplicate_and_delete_cells()
    {
        using var ctx = new ComponentContext();
        var cut = Open(ctx);

        string[] Kinds() => cut.FindAll("[data-cell]").Select(c => c.GetAttribute("data-kind")!).ToArray();

        cut.FindAll("button[aria-label='Move cell down']")[0].Click();
        cut.WaitForAssertion(() => Assert.Equal(["zero-shot", "markdown"], Kinds()));

        cut.FindAll("button[aria-label='Duplicate cell']")[0].Click();
        cut.WaitForAssertion(() => Assert.Equal(["zero-shot", "zero-shot", "markdown"], Kinds()));

        cut.FindAll("button[aria-label='Delete cell']")[2].Click();
        cut.WaitForAssertion(() => Assert.Equal(["zero-shot", "zero-shot"], Kinds()));
    }

    [Fact]
    public void Save_writes_the_file_in_the_notebook_format()
    {
        using var ctx = new ComponentContext();
        var cut = Open(ctx);
        cut.Find("[aria-label='Cell kind'] button[data-kind='instruction']").Click();
        cut.Find("button[aria-label='Add cell']").Click();

        cut.Find("button[aria-label='Save']").Click();

        cut.WaitForState(() => cut.Find(".save-state").TextContent == "saved", TimeSpan.FromSeconds(10));
        var saved = NotebookFormat.Parse(File.ReadAllText(Path.Combine(prompts, "demo.md")));
        Assert.IsType<InstructionCell>(saved.Cells[^1]);
        Assert.Equal("Demo", saved.Title);
    }

    [Fact]
    public void Save_outputs_writes_the_last_run_into_the_file()
    {
        using var ctx = new ComponentContext();
        var cut = Open(ctx);
        cut.Find("button[aria-label='Run cell']").Click();
        cut.WaitForState(() => cut.Find("[data-variant='default'] .variant-status").TextContent.Contains("finished"), TimeSpan.FromSeconds(30));

        cut.Find("input[type=checkbox][aria-label='Save outputs']").Change(true);
        cut.WaitForState(() => cut.Find("input[type=checkbox][aria-label='Save outputs']").HasAttribute("checked"));
        cut.Find("button[aria-label='Save']").Click();

        cut.WaitForState(() => cut.Find(".save-state").TextContent == "saved", TimeSpan.FromSeconds(10));
        var saved = NotebookFormat.Parse(File.ReadAllText(Path.Combine(prompts, "demo.md")));
        Assert.Equal("default", saved.PromptCells.Single().Outputs.Single().Variant);
    }

    [Fact]
    public void Save_after_the_file_changed_on_disk_shows_the_conflict_and_overwrites_nothing()
    {
        using var ctx = new ComponentContext();
        var cut = Open(ctx);
        File.WriteAllText(Path.Combine(prompts, "demo.md"), Text.Replace("title: Demo", "title: Changed elsewhere"));
        cut.Find("button[aria-label='Add cell']").Click();

        cut.Find("button[aria-label='Save']").Click();

        cut.WaitForState(() => cut.FindAll("[role=alert]").Any(a => a.TextContent.Contains("changed on disk")), TimeSpan.FromSeconds(10));
        Assert.Contains("title: Changed elsewhere", File.ReadAllText(Path.Combine(prompts, "demo.md")));
        Assert.Equal("unsaved changes", cut.Find(".save-state").TextContent);
        Assert.True(Directory.GetFiles(prompts, "*.md").Length >= 2);
    }

    [Fact]
    public void Unknown_notebook_shows_an_error_not_a_broken_page()
    {
        using var ctx = new ComponentContext();
        var cut = ctx.WithPlayground(models.Directory, prompts).Render<NotebookEditor>(p => p.Add(x => x.Name, "missing.md"));

        cut.WaitForState(() => cut.FindAll("[role=alert]").Count > 0, TimeSpan.FromSeconds(10));
        Assert.Contains("missing.md", cut.Find("[role=alert]").TextContent);
    }

    [Fact]
    public void Delete_offers_undo_in_a_snackbar_which_puts_the_cell_back_where_it_was()
    {
        using var ctx = new ComponentContext();
        var cut = Open(ctx);
        var snackbars = ctx.Snackbars;
        string[] Kinds() => cut.FindAll("[data-cell]").Select(c => c.GetAttribute("data-kind")!).ToArray();

        cut.FindAll("button[aria-label='Delete cell']")[0].Click();
        cut.WaitForAssertion(() => Assert.Equal(["zero-shot"], Kinds()));
        snackbars.WaitForAssertion(() => Assert.Contains("Deleted the markdown cell", snackbars.Markup));
        snackbars.FindAll("button").First(b => b.TextContent.Trim() == "Undo").Click();

        cut.WaitForAssertion(() => Assert.Equal(["markdown", "zero-shot"], Kinds()));
        Assert.Contains("Intro.", cut.Find("[data-cell='0']").TextContent);
    }

    [Fact]
    public void Insert_cell_below_puts_a_new_cell_of_the_chosen_kind_right_after_the_cell()
    {
        using var ctx = new ComponentContext();
        var cut = Open(ctx);

        cut.Find("[aria-label='Cell kind'] button[data-kind='few-shot']").Click();
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[aria-label='Cell kind'] button[data-kind='few-shot']").GetAttribute("aria-checked")));
        cut.InvokeAsync(() => cut.FindAll("button[aria-label='Insert cell below']")[0].Click());

        cut.WaitForAssertion(() => Assert.Equal(["markdown", "few-shot", "zero-shot"], cut.FindAll("[data-cell]").Select(c => c.GetAttribute("data-kind"))));
        Assert.Equal("true", cut.Find(".notebook-editor").GetAttribute("data-dirty"));
    }

    [Fact]
    public void Title_is_taken_while_typing_not_only_on_blur()
    {
        using var ctx = new ComponentContext();
        var cut = Open(ctx);

        cut.Find("input[aria-label='Notebook title']").Input("Typed, never blurred");

        cut.WaitForAssertion(() => Assert.Equal("unsaved changes", cut.Find(".save-state").TextContent));
        cut.Find("button[aria-label='Save']").Click();
        cut.WaitForState(() => cut.Find(".save-state").TextContent == "saved", TimeSpan.FromSeconds(10));
        Assert.Contains("title: Typed, never blurred", File.ReadAllText(Path.Combine(prompts, "demo.md")));
    }

    [Fact]
    public void A_save_conflict_is_also_told_in_a_snackbar_seen_wherever_the_page_is_scrolled()
    {
        using var ctx = new ComponentContext();
        var cut = Open(ctx);
        var snackbars = ctx.Snackbars;
        File.WriteAllText(Path.Combine(prompts, "demo.md"), Text.Replace("title: Demo", "title: Changed elsewhere"));
        cut.Find("button[aria-label='Add cell']").Click();

        cut.Find("button[aria-label='Save']").Click();

        snackbars.WaitForAssertion(() => Assert.Contains("changed on disk since you opened it", snackbars.Markup), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Typing_in_a_cell_updates_its_preview_without_re_rendering_the_other_cells()
    {
        // issue 14, page speed: every keystroke re-rendered every cell (300-500 ms per keystroke on the 82-cell notebook)
        using var ctx = new ComponentContext();
        var cut = Open(ctx);
        var markdown = cut.FindComponent<GptPlayground.Components.Cells.MarkdownCellEditor>();
        cut.Find("textarea[aria-label='Input']").Input("Hello there");   // the first edit: the save state changes
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find(".notebook-editor").GetAttribute("data-dirty")));
        int before = markdown.RenderCount;

        cut.Find("textarea[aria-label='Input']").Input("Hello there, again");

        cut.WaitForAssertion(() => Assert.Contains("Hello there, again", cut.Find("pre.prompt-text").TextContent));
        Assert.Equal(before, markdown.RenderCount);
    }

    /// <summary>Waits on 30 prompt cells: slow on a loaded 2-core machine.</summary>
    static readonly TimeSpan Slow = TimeSpan.FromSeconds(30);

    /// <summary>Opens a notebook of 30 zero-shot cells (c1..c30, inputs "Hello 1".."Hello 30") once every cell is in the page.</summary>
    IRenderedComponent<NotebookEditor> OpenLong(ComponentContext ctx)
    {
        File.WriteAllText(Path.Combine(prompts, "long.md"), LongNotebook(30));
        var cut = ctx.WithPlayground(models.Directory, prompts).Render<NotebookEditor>(p => p.Add(x => x.Name, "long.md"));
        cut.WaitForAssertion(() => Assert.Equal(30, cut.FindAll("[data-cell]").Count), Slow);
        return cut;
    }

    static string LongNotebook(int cells) =>
        "---\ntitle: Long\nmodel: tiny\n---\n" + string.Concat(Enumerable.Range(1, cells).Select(n => $"\n## Zero-shot: c{n}\n\n```input\nHello {n}\n```\n"));

    [Fact]
    public void A_long_notebook_draws_its_first_cells_in_full_and_the_others_light_with_their_text()
    {
        File.WriteAllText(Path.Combine(prompts, "long.md"), LongNotebook(30));
        using var ctx = new ComponentContext();

        var cut = ctx.WithPlayground(models.Directory, prompts).Render<NotebookEditor>(p => p.Add(x => x.Name, "long.md"));

        cut.WaitForAssertion(() => Assert.Equal(30, cut.FindAll("[data-cell]").Count), Slow);   // every cell is in the page at once
        Assert.Equal(NotebookEditor.FullAtStart, cut.FindAll("textarea[aria-label='Input']").Count);
        Assert.Equal(Enumerable.Range(NotebookEditor.FullAtStart, 30 - NotebookEditor.FullAtStart).Select(i => i.ToString()),
            cut.FindAll("[data-cell][data-light]").Select(c => c.GetAttribute("data-cell")));
        var last = cut.Find("[data-cell='29']");
        Assert.Contains("c30", last.TextContent);               // its name and text are in the page: find in page finds them
        Assert.Contains("Hello 30", last.TextContent);
        Assert.Equal("0", last.GetAttribute("tabindex"));       // reachable by Tab, which draws it in full (js/light-cells.js)
        Assert.Empty(last.QuerySelectorAll("textarea, button"));
        ctx.JSInterop.VerifyInvoke("gptPlayground.lightCells.watch");
    }

    [Fact]
    public async Task A_light_cell_asked_for_is_drawn_in_full_and_edits_like_any_other()
    {
        using var ctx = new ComponentContext();
        var cut = OpenLong(ctx);

        await cut.InvokeAsync(() => cut.Instance.ShowCells([28, 29, 30, -1]));      // as the browser asks when they come near; 30 and -1 are no cells

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-cell='29'] textarea[aria-label='Input']")), Slow);
        Assert.Null(cut.Find("[data-cell='29']").GetAttribute("data-light"));
        Assert.Single(cut.FindAll("[data-cell='28'] textarea[aria-label='Input']"));
        Assert.Equal(30 - NotebookEditor.FullAtStart - 2, cut.FindAll("[data-cell][data-light]").Count);
        cut.Find("[data-cell='29'] textarea[aria-label='Input']").Input("Hello last");
        cut.WaitForAssertion(() => Assert.Contains("Hello last", cut.Find("[data-cell='29'] pre.prompt-text").TextContent), Slow);
        Assert.Equal("true", cut.Find(".notebook-editor").GetAttribute("data-dirty"));

        cut.Find("button[aria-label='Save']").Click();

        cut.WaitForAssertion(() => Assert.Equal("saved", cut.Find(".save-state").TextContent.Trim()), Slow);
        var saved = File.ReadAllText(Path.Combine(prompts, "long.md"));
        Assert.Contains("Hello last", saved);
        Assert.All(Enumerable.Range(1, 29), n => Assert.Contains($"Hello {n}\n", saved));   // the light cells are saved as they were
    }

    [Fact]
    public async Task Drawing_a_cell_in_full_does_not_re_render_the_cells_already_drawn()
    {
        using var ctx = new ComponentContext();
        var cut = OpenLong(ctx);
        var first = cut.FindComponents<GptPlayground.Components.Cells.PromptCellView>()[0];
        int before = first.RenderCount;

        await cut.InvokeAsync(() => cut.Instance.ShowCells([10]));

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-cell='10'] textarea[aria-label='Input']")), Slow);
        Assert.Equal(before, first.RenderCount);
        cut.Find("button[aria-label='Move cell down']").Click();                  // a change the cells show still reaches them
        cut.WaitForAssertion(() => Assert.Equal("c1", cut.Find("[data-cell='1'] input[aria-label='Cell name']").GetAttribute("value")), Slow);
        Assert.Equal("c2", cut.Find("[data-cell='0'] input[aria-label='Cell name']").GetAttribute("value"));
        Assert.False(cut.Find("[data-cell='1'] button[aria-label='Move cell up']").HasAttribute("disabled"));   // its buttons act on its new place
        Assert.True(cut.Find("[data-cell='0'] button[aria-label='Move cell up']").HasAttribute("disabled"));
    }

    [Fact]
    public void Cells_added_or_inserted_in_a_long_notebook_are_drawn_in_full()
    {
        using var ctx = new ComponentContext();
        var cut = OpenLong(ctx);

        cut.Find("button[aria-label='Add cell']").Click();
        cut.WaitForAssertion(() => Assert.Equal(31, cut.FindAll("[data-cell]").Count), Slow);
        cut.FindAll("button[aria-label='Insert cell below']")[0].Click();

        cut.WaitForAssertion(() => Assert.Equal(32, cut.FindAll("[data-cell]").Count), Slow);
        Assert.Null(cut.Find("[data-cell='31']").GetAttribute("data-light"));
        Assert.Null(cut.Find("[data-cell='1']").GetAttribute("data-light"));
        Assert.Single(cut.FindAll("[data-cell='31'] textarea[aria-label='Input']"));
    }
}
