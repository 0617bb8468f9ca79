using Microsoft.Playwright;

namespace GptPlayground.Tests.E2E;

/// <summary>The notebook UI in a real browser: run variants side by side, cancel, save with Ctrl+S and reload, the share view.</summary>
[Trait("Category", "Browser")]
public class NotebookBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    static string Notebook(string title, string model, int tokens) => $"""
        ---
        title: {title}
        model: {model}
        decoding:
          max_new_tokens: {tokens}
          min_new_tokens: {tokens}
        ---

        A demo notebook: **two decoding variants** of one prompt.

        ## Zero-shot: story

        ```instruction
        Continue the story.
        ```

        ```input
        Once upon a time
        ```

        ```decoding greedy
        do_sample: false
        ```

        ```decoding balanced
        do_sample: true
        temperature: 0.7
        top_p: 0.9
        seed: 7
        ```

        ## Few-shot: sentiment

        ```example
        great film
        ```

        ```example-output
        positive
        ```

        ```example
        boring and long
        ```

        ```example-output
        negative
        ```

        ```query
        loved every minute
        ```
        """;

    [Fact]
    public async Task Run_cell_fills_one_column_per_variant()
    {
        app.WriteNotebook("two-variants.md", Notebook("Two variants", BrowserApp.DemoModel, 24));
        var page = await app.OpenAsync("/notebooks/two-variants.md");
        var cell = page.Locator("[data-cell='1']");

        await cell.GetByRole(AriaRole.Button, new() { Name = "Run cell" }).ClickAsync();

        foreach (var variant in new[] { "greedy", "balanced" })
        {
            var column = cell.Locator($"[data-variant='{variant}']");
            await BrowserApp.WaitForText(column.Locator(".variant-status"), s => s.Contains("finished"));
            Assert.Contains("24 tokens", await column.Locator(".variant-status").InnerTextAsync());
            Assert.Contains("tokens/s", await column.Locator(".variant-status").InnerTextAsync());
            Assert.NotEmpty(await column.Locator(".output-text").InnerTextAsync());
        }
        Assert.Contains("sample t=0.7 top-p 0.9", await cell.Locator("[data-variant='balanced'] .variant-summary").InnerTextAsync());

        await cell.GetByRole(AriaRole.Button, new() { Name = "Token view" }).ClickAsync();
        var token = cell.Locator("[data-variant='balanced'] .tok").Nth(2);    // sampled: raw and filtered alternatives differ
        await token.FocusAsync();
        await Assertions.Expect(token.Locator("[role=tooltip]")).ToBeVisibleAsync();
        Assert.Contains("logprob", await token.Locator("[role=tooltip]").InnerTextAsync());
    }

    [Fact]
    public async Task Cancel_stops_a_long_generation()
    {
        app.WriteNotebook("long.md", Notebook("Long", "slow", 3000));
        var page = await app.OpenAsync("/notebooks/long.md");
        var cell = page.Locator("[data-cell='1']");
        var status = cell.Locator("[data-variant='greedy'] .variant-status");

        await cell.GetByRole(AriaRole.Button, new() { Name = "Run cell" }).ClickAsync();
        await BrowserApp.WaitForText(status, s => s.Contains("generating") && !s.StartsWith("0 tokens"));
        await cell.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await BrowserApp.WaitForText(status, s => s.Contains("cancelled"), 10000);
        var stopped = await status.InnerTextAsync();
        await page.WaitForTimeoutAsync(500);
        Assert.Equal(stopped, await status.InnerTextAsync());
        Assert.DoesNotContain("3000 tokens", stopped);
    }

    [Fact]
    public async Task Two_tabs_run_cells_at_once_and_both_stream_at_the_same_time()
    {
        app.WriteNotebook("tab-a.md", Notebook("Tab A", "slow", 3000));
        app.WriteNotebook("tab-b.md", Notebook("Tab B", "slow", 3000));
        var first = await app.OpenAsync("/notebooks/tab-a.md");
        var second = await app.OpenAsync("/notebooks/tab-b.md");
        var firstStatus = first.Locator("[data-cell='1'] [data-variant='greedy'] .variant-status");
        var secondStatus = second.Locator("[data-cell='1'] [data-variant='balanced'] .variant-status");

        await first.Locator("[data-cell='1']").GetByRole(AriaRole.Button, new() { Name = "Run cell" }).ClickAsync();
        await second.Locator("[data-cell='1']").GetByRole(AriaRole.Button, new() { Name = "Run cell" }).ClickAsync();
        await BrowserApp.WaitForText(firstStatus, s => s.Contains("generating") && !s.StartsWith("0 tokens"));
        await BrowserApp.WaitForText(secondStatus, s => s.Contains("generating") && !s.StartsWith("0 tokens"));

        // both keep growing while the other runs: neither waits in a queue for the other
        int before1 = Tokens(await firstStatus.InnerTextAsync()), before2 = Tokens(await secondStatus.InnerTextAsync());
        await BrowserApp.WaitForText(firstStatus, s => Tokens(s) > before1 + 5);
        await BrowserApp.WaitForText(secondStatus, s => Tokens(s) > before2 + 5);
        Assert.Contains("generating", await firstStatus.InnerTextAsync());
        Assert.Contains("generating", await secondStatus.InnerTextAsync());
        Assert.DoesNotContain("waiting in queue", await first.Locator("[data-cell='1']").InnerTextAsync() + await second.Locator("[data-cell='1']").InnerTextAsync());

        foreach (var page in new[] { first, second })
            await page.Locator("[data-cell='1']").GetByRole(AriaRole.Button, new() { Name = "Cancel" }).First.ClickAsync();
        await first.CloseAsync();
        await second.CloseAsync();

        static int Tokens(string status) => int.TryParse(status.Split(' ')[0], out var n) ? n : 0;
    }

    [Fact]
    public async Task Closing_the_tab_cancels_its_generation_so_the_next_tab_does_not_wait_for_it()
    {
        app.WriteNotebook("closing.md", Notebook("Closing", "slow", 3000));
        app.WriteNotebook("after.md", Notebook("After", "slow", 4));
        var first = await app.OpenAsync("/notebooks/closing.md");
        var firstStatus = first.Locator("[data-cell='1'] [data-variant='greedy'] .variant-status");
        await first.Locator("[data-cell='1']").GetByRole(AriaRole.Button, new() { Name = "Run cell" }).ClickAsync();
        await BrowserApp.WaitForText(firstStatus, s => s.Contains("generating") && !s.StartsWith("0 tokens"));

        await first.CloseAsync(new() { RunBeforeUnload = true });
        var second = await app.OpenAsync("/notebooks/after.md");
        var cell = second.Locator("[data-cell='1']");
        await cell.GetByRole(AriaRole.Button, new() { Name = "Run cell" }).ClickAsync();

        // 3000 tokens of the closed tab would take far longer than this; its turn was given back at once
        await BrowserApp.WaitForText(cell.Locator("[data-variant='balanced'] .variant-status"), s => s.Contains("finished"), 20000);
    }

    [Fact]
    public async Task The_cell_being_typed_in_is_laid_out_in_full_and_its_text_area_grows_with_the_text()
    {
        // content-visibility: auto on the cell being edited cost a frame or two per keystroke (docs/performance.md):
        // only light cells may be skipped by the browser
        app.WriteNotebook("typing.md", Notebook("Typing", "tiny", 4));
        var page = await app.OpenAsync("/notebooks/typing.md");
        var cell = page.Locator("[data-cell='1']");
        var input = cell.Locator("textarea[aria-label='Input']");
        static Task<string> Visibility(ILocator l) => l.EvaluateAsync<string>("e => getComputedStyle(e).contentVisibility");
        Assert.Equal("visible", await Visibility(cell));
        double before = (await input.BoundingBoxAsync())!.Height;

        await input.FocusAsync();
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.TypeAsync(" there" + string.Concat(Enumerable.Range(1, 8).Select(i => $"\nline {i}")));

        await Assertions.Expect(cell.Locator("pre.prompt-text")).ToContainTextAsync("Once upon a time there\nline 1");
        await Assertions.Expect(cell.Locator("pre.prompt-text")).ToContainTextAsync("line 8");
        Assert.Equal("visible", await Visibility(cell));
        Assert.True((await input.BoundingBoxAsync())!.Height > before * 2, "the text area did not grow with its 9 lines");
    }

    [Fact]
    public async Task Edit_saved_with_ctrl_s_is_there_after_reload_and_in_the_share_view()
    {
        app.WriteNotebook("edit-me.md", Notebook("Before", "tiny", 8));
        var page = await app.OpenAsync("/notebooks/edit-me.md");
        var title = page.GetByLabel("Notebook title");

        await title.FillAsync("After the edit");
        await title.PressAsync("Tab");
        await Assertions.Expect(page.Locator(".save-state")).ToHaveTextAsync("unsaved changes");
        await page.Keyboard.PressAsync("Control+s");
        await Assertions.Expect(page.Locator(".save-state")).ToHaveTextAsync("saved");

        var again = await app.OpenAsync("/notebooks/edit-me.md");
        Assert.Equal("After the edit", await again.GetByLabel("Notebook title").InputValueAsync());
        Assert.Contains("title: After the edit", File.ReadAllText(Path.Combine(app.Prompts, "edit-me.md")));

        var view = await app.Browser.NewPageAsync();
        await view.GotoAsync(app.BaseUrl + "/view/edit-me.md");
        Assert.Equal("After the edit", await view.Locator("h1").InnerTextAsync());
        Assert.Contains("two decoding variants", await view.Locator("article").InnerTextAsync());
    }

    [Fact]
    public async Task A_30000_character_input_reaches_the_server_and_saved_means_the_file_holds_what_the_screen_shows()
    {
        app.WriteNotebook("long-input.md", Notebook("Long input", "tiny", 8));
        var page = await app.OpenAsync("/notebooks/long-input.md");
        var input = page.Locator("[data-cell='1']").GetByLabel("Input");
        var text = string.Concat(Enumerable.Range(0, 3000).Select(i => $"line {i:0000}\n")).TrimEnd();   // 30,000 characters

        // a paste: one input event with the whole text (Playwright's FillAsync would type the lines one event each)
        await input.EvaluateAsync("(el, text) => { el.value = text; el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true })); }", text);
        await Assertions.Expect(page.Locator(".save-state")).ToHaveTextAsync("unsaved changes");
        await page.Keyboard.PressAsync("Control+s");
        await Assertions.Expect(page.Locator(".save-state")).ToHaveTextAsync("saved", new() { Timeout = 30000 });

        var shown = await input.InputValueAsync();
        Assert.Equal(text, shown);
        Assert.Contains(shown, File.ReadAllText(Path.Combine(app.Prompts, "long-input.md")).Replace("\r\n", "\n"));
    }

    [Fact]
    public async Task A_text_too_long_for_any_notebook_is_refused_in_the_page_and_the_connection_and_the_edit_before_stay()
    {
        app.WriteNotebook("too-long.md", Notebook("Too long", "tiny", 4));
        var page = await app.OpenAsync("/notebooks/too-long.md");
        var cell = page.Locator("[data-cell='1']");
        var input = cell.GetByLabel("Input");
        await input.EvaluateAsync("(el) => { el.focus(); el.value = 'kept text'; el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true })); }");
        await Assertions.Expect(page.Locator(".save-state")).ToHaveTextAsync("unsaved changes");

        // a paste of 6 million characters: more than a 5 MB notebook could hold, and more than the hub accepts
        await input.EvaluateAsync("(el) => { el.value = 'x'.repeat(6000000); el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true })); }");

        var notice = page.Locator("#field-limit-notice");
        await Assertions.Expect(notice).ToBeVisibleAsync();
        Assert.Contains("6,000,000 characters", await notice.InnerTextAsync());
        Assert.Equal("kept text", await input.InputValueAsync());
        await page.Keyboard.PressAsync("Control+s");                                   // the circuit is alive: saving works
        await Assertions.Expect(page.Locator(".save-state")).ToHaveTextAsync("saved", new() { Timeout = 30000 });
        Assert.Contains("kept text", File.ReadAllText(Path.Combine(app.Prompts, "too-long.md")));
    }

    [Fact]
    public async Task Unsaved_edit_survives_a_lost_tab_as_a_draft_offered_back()
    {
        app.WriteNotebook("draft.md", Notebook("Original", "tiny", 8));
        var context = await app.Browser.NewContextAsync();          // one browser profile: localStorage is shared by its tabs
        var page = await app.OpenAsync("/notebooks/draft.md", context: context);
        var title = page.GetByLabel("Notebook title");
        await title.FillAsync("Edited but not saved");
        await title.PressAsync("Tab");
        await page.WaitForTimeoutAsync(1800);                       // the draft is written a second after the last edit
        await page.CloseAsync();                                     // no beforeunload: as if the tab crashed

        var again = await app.OpenAsync("/notebooks/draft.md", context: context);
        await again.GetByRole(AriaRole.Button, new() { Name = "Restore draft" }).ClickAsync();

        await Assertions.Expect(again.GetByLabel("Notebook title")).ToHaveValueAsync("Edited but not saved");
        await Assertions.Expect(again.Locator(".save-state")).ToHaveTextAsync("unsaved changes");
        Assert.Contains("title: Original", File.ReadAllText(Path.Combine(app.Prompts, "draft.md")));
        await context.CloseAsync();
    }

    [Fact]
    public async Task Shift_enter_in_a_cell_runs_it()
    {
        app.WriteNotebook("keys.md", Notebook("Keys", "tiny", 8));
        var page = await app.OpenAsync("/notebooks/keys.md");
        var cell = page.Locator("[data-cell='1']");

        await cell.GetByLabel("Input").ClickAsync();
        await page.Keyboard.PressAsync("Shift+Enter");

        await BrowserApp.WaitForText(cell.Locator("[data-variant='greedy'] .variant-status"), s => s.Contains("finished"));
        Assert.Equal("Once upon a time", await cell.GetByLabel("Input").InputValueAsync());
    }
}
