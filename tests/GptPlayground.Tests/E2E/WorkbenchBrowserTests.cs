using Microsoft.Playwright;

namespace GptPlayground.Tests.E2E;

/// <summary>
/// The workbench in a real browser: keyboard shortcuts, the prompt beside its outputs on a wide screen (stacked on a
/// narrow one), variant columns in one scrolling row, Delete with Undo, the theme; and the screenshots of README/docs
/// at 1366×768 and 1920×1080 in both themes when PLAYGROUND_SCREENSHOTS names a folder.
/// </summary>
[Trait("Category", "Browser")]
public class WorkbenchBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    /// <summary>A notebook with a markdown cell and one zero-shot cell of <paramref name="variants"/> variants (greedy first, then sampling ones).</summary>
    static string Notebook(string model, int tokens, int variants = 2, string? expected = null)
    {
        var blocks = string.Concat(Enumerable.Range(0, variants).Select(i => i == 0
            ? "```decoding greedy\ndo_sample: false\n```\n\n"
            : $"```decoding t{i}\ndo_sample: true\ntemperature: {0.4 + 0.2 * i:0.0}\ntop_p: 0.9\nseed: {i}\n```\n\n"));
        return $"""
            ---
            title: Workbench
            model: {model}
            decoding:
              max_new_tokens: {tokens}
              min_new_tokens: {tokens}
            ---

            Compare decoding settings on one prompt.

            ## Zero-shot: story

            ```instruction
            Continue the story.
            ```

            ```input
            Once upon a time
            ```

            {blocks}{(expected is null ? "" : $"```expected\n{expected}\n```\n")}
            """;
    }

    [Fact]
    public async Task Ctrl_enter_runs_the_cell_and_esc_cancels_its_run()
    {
        app.WriteNotebook("keys-run.md", Notebook("slow", 3000));
        var page = await app.OpenAsync("/notebooks/keys-run.md");
        var cell = page.Locator("[data-cell='1']");
        var status = cell.Locator("[data-variant='greedy'] .variant-status");

        await cell.GetByLabel("Input").ClickAsync();
        await page.Keyboard.PressAsync("Control+Enter");
        await BrowserApp.WaitForText(status, s => s.Contains("generating") && !s.StartsWith("0 tokens"));
        await page.Keyboard.PressAsync("Escape");

        await BrowserApp.WaitForText(status, s => s.Contains("cancelled"), 10000);
        Assert.Equal("Once upon a time", await cell.GetByLabel("Input").InputValueAsync());     // no newline typed
    }

    [Fact]
    public async Task Alt_enter_runs_the_cell_and_inserts_a_cell_below_with_the_caret_in_it()
    {
        app.WriteNotebook("keys-alt.md", Notebook("tiny", 4));
        var page = await app.OpenAsync("/notebooks/keys-alt.md");
        var cell = page.Locator("[data-cell='1']");

        await cell.GetByLabel("Input").ClickAsync();
        await page.Keyboard.PressAsync("Alt+Enter");

        await BrowserApp.WaitForText(cell.Locator("[data-variant='greedy'] .variant-status"), s => s.Contains("finished"));
        await Assertions.Expect(page.Locator("[data-cell]")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("[data-cell='2']")).ToHaveAttributeAsync("data-kind", "zero-shot");
        await Assertions.Expect(page.Locator("[data-cell='2'] textarea").First).ToBeFocusedAsync();
    }

    [Fact]
    public async Task Alt_v_adds_a_variant_alt_b_inserts_a_cell_and_question_mark_lists_the_shortcuts()
    {
        app.WriteNotebook("keys-add.md", Notebook("tiny", 4));
        var page = await app.OpenAsync("/notebooks/keys-add.md");
        var cell = page.Locator("[data-cell='1']");

        await cell.GetByLabel("Input").ClickAsync();
        await page.Keyboard.PressAsync("Alt+v");
        await Assertions.Expect(cell.Locator("[data-variant]")).ToHaveCountAsync(3);
        await Assertions.Expect(cell.Locator("[data-variant='balanced']")).ToBeVisibleAsync();

        await cell.GetByLabel("Input").ClickAsync();
        await page.Keyboard.PressAsync("Alt+b");
        await Assertions.Expect(page.Locator("[data-cell]")).ToHaveCountAsync(3);

        await page.Locator("h1, .cell-kind").First.ClickAsync();                 // out of any text field
        await page.Keyboard.PressAsync("Shift+?");
        var help = page.Locator(".keyboard-help");
        await Assertions.Expect(help).ToBeVisibleAsync();
        Assert.Contains("Ctrl/Cmd+Enter", await help.InnerTextAsync());
        Assert.Contains("Alt+Enter", await help.InnerTextAsync());
        await page.WaitForTimeoutAsync(300);    // MudBlazor attaches the dialog's Escape listener just after it shows (no person presses Esc within ms)
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(help).ToBeHiddenAsync();
    }

    [Fact]
    public async Task At_1920_the_prompt_is_beside_its_outputs_and_eight_variants_scroll_in_one_row()
    {
        app.WriteNotebook("wide.md", Notebook("tiny", 4, variants: 8));
        var page = await app.OpenAsync("/notebooks/wide.md", 1920, 1080);
        var cell = page.Locator("[data-cell='1']");

        var editor = (await cell.Locator(".cell-editor").BoundingBoxAsync())!;
        var outputs = (await cell.Locator(".cell-outputs").BoundingBoxAsync())!;
        Assert.True(outputs.X >= editor.X + editor.Width - 1, $"outputs at x={outputs.X}, editor ends at {editor.X + editor.Width}");
        Assert.True(Math.Abs(outputs.Y - editor.Y) < 40, $"outputs at y={outputs.Y}, editor at y={editor.Y}: not side by side");
        var content = (await page.Locator(".notebook-editor").BoundingBoxAsync())!;
        Assert.True(content.Width > 1800, $"the editor is {content.Width} px wide at 1920: not full width");

        var columns = cell.Locator(".variant-column");
        Assert.Equal(8, await columns.CountAsync());
        var boxes = new List<LocatorBoundingBoxResult>();
        for (int i = 0; i < 8; i++) boxes.Add((await columns.Nth(i).BoundingBoxAsync())!);
        Assert.All(boxes, b => Assert.Equal(boxes[0].Y, b.Y, 1.0));            // one row, no wrapping
        Assert.All(boxes, b => Assert.True(b.Width >= 280, $"a column is {b.Width} px wide"));
        var grid = cell.Locator(".variant-grid").First;
        Assert.True(await grid.EvaluateAsync<bool>("g => g.scrollWidth > g.clientWidth"), "eight columns should scroll sideways");

        for (int i = 0; i < 8; i++)
        {
            var head = columns.Nth(i).Locator(".variant-head");
            var name = (await head.Locator(".variant-name").BoundingBoxAsync())!;
            var buttons = head.Locator(".variant-buttons button");
            for (int b = 0; b < await buttons.CountAsync(); b++)
            {
                var box = (await buttons.Nth(b).BoundingBoxAsync())!;
                Assert.True(Math.Abs(box.Y + box.Height / 2 - (name.Y + name.Height / 2)) < 8, "a header button wrapped below the name");
            }
        }
    }

    [Fact]
    public async Task On_a_narrow_screen_the_outputs_are_below_the_prompt_and_a_long_output_scrolls_in_its_column()
    {
        app.WriteNotebook("narrow.md", Notebook("slow", 2000, variants: 1));
        var page = await app.OpenAsync("/notebooks/narrow.md", 1000, 800);
        var cell = page.Locator("[data-cell='1']");

        var editor = (await cell.Locator(".cell-editor").BoundingBoxAsync())!;
        var outputs = (await cell.Locator(".cell-outputs").BoundingBoxAsync())!;
        Assert.True(outputs.Y >= editor.Y + editor.Height - 1, "outputs should be below the editor on a narrow screen");

        await cell.GetByRole(AriaRole.Button, new() { Name = "Run cell" }).ClickAsync();
        await BrowserApp.WaitForText(cell.Locator("[data-variant='greedy'] .variant-status"), s => s.Contains("finished"), 120000);
        var output = cell.Locator("[data-variant='greedy'] .output-text");
        Assert.True(await output.EvaluateAsync<bool>("o => o.scrollHeight > o.clientHeight && getComputedStyle(o).overflowY === 'auto'"),
            "a 2000-token output should scroll inside its column");
    }

    [Fact]
    public async Task Deleting_a_cell_or_a_notebook_can_be_undone_from_the_snackbar()
    {
        app.WriteNotebook("undo.md", Notebook("tiny", 4));
        var page = await app.OpenAsync("/notebooks/undo.md");

        await page.Locator("[data-cell='0']").GetByRole(AriaRole.Button, new() { Name = "Delete cell" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-cell]")).ToHaveCountAsync(1);
        await page.Locator(".mud-snackbar").GetByRole(AriaRole.Button, new() { Name = "Undo" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-cell]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-cell='0']")).ToHaveAttributeAsync("data-kind", "markdown");

        var home = await app.OpenAsync("/");
        await home.GetByRole(AriaRole.Button, new() { Name = "Delete undo.md" }).ClickAsync();
        await Assertions.Expect(home.Locator("tr[data-notebook='undo.md']")).ToHaveCountAsync(0);
        Assert.False(File.Exists(Path.Combine(app.Prompts, "undo.md")));
        await home.Locator(".mud-snackbar").GetByRole(AriaRole.Button, new() { Name = "Undo" }).ClickAsync();
        await Assertions.Expect(home.Locator("tr[data-notebook='undo.md']")).ToHaveCountAsync(1);
        Assert.True(File.Exists(Path.Combine(app.Prompts, "undo.md")));
    }

    [Fact]
    public async Task Theme_follows_the_system_and_the_button_switches_it()
    {
        var context = await app.Browser.NewContextAsync(new() { ColorScheme = ColorScheme.Dark });
        app.WriteNotebook("theme.md", Notebook("tiny", 4));
        var page = await app.OpenAsync("/notebooks/theme.md", context: context);
        async Task<string> Background() => await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");

        await Assertions.Expect(page.Locator("button[aria-label='Switch theme']")).ToHaveAttributeAsync("data-theme-mode", "system");
        var until = DateTime.UtcNow.AddSeconds(10);
        while (await Background() != "rgb(18, 22, 28)" && DateTime.UtcNow < until) await Task.Delay(100);
        Assert.Equal("rgb(18, 22, 28)", await Background());                    // PaletteDark.Background, as the system prefers

        await page.GetByRole(AriaRole.Button, new() { Name = "Switch theme" }).ClickAsync();     // system -> light
        await Assertions.Expect(page.Locator("button[aria-label='Switch theme']")).ToHaveAttributeAsync("data-theme-mode", "light");
        until = DateTime.UtcNow.AddSeconds(10);
        while (await Background() != "rgb(246, 248, 250)" && DateTime.UtcNow < until) await Task.Delay(100);
        Assert.Equal("rgb(246, 248, 250)", await Background());

        var again = await app.OpenAsync("/notebooks/theme.md", context: context);                 // remembered in this browser
        await Assertions.Expect(again.Locator("button[aria-label='Switch theme']")).ToHaveAttributeAsync("data-theme-mode", "light");
        await context.CloseAsync();
    }

    [Fact]
    public async Task A_long_notebook_draws_its_cells_in_full_as_they_come_near_and_when_clicked()
    {
        var cells = string.Concat(Enumerable.Range(1, 40).Select(n => $"\n## Zero-shot: c{n}\n\n```input\nHello {n}\n```\n"));
        app.WriteNotebook("long-view.md", "---\ntitle: Long\nmodel: tiny\n---\n" + cells);
        var page = await app.OpenAsync("/notebooks/long-view.md", 1366, 768);
        var last = page.Locator("[data-cell='39']");
        var middle = page.Locator("[data-cell='20']");

        await Assertions.Expect(page.Locator("[data-cell]")).ToHaveCountAsync(40);                  // every cell is in the page
        await Assertions.Expect(last).ToHaveAttributeAsync("data-light", "true");
        Assert.Equal("auto", await last.EvaluateAsync<string>("e => getComputedStyle(e).contentVisibility"));   // laid out only when near
        await Assertions.Expect(middle).ToContainTextAsync("Hello 21");                            // light: its text is there to find
        // to the end, again while the circuit takes over the server-rendered page (which puts the page back at its top)
        for (var until = DateTime.UtcNow.AddSeconds(30); await last.GetByLabel("Input").CountAsync() == 0 && DateTime.UtcNow < until; await Task.Delay(500))
            await page.EvaluateAsync("window.scrollTo(0, document.documentElement.scrollHeight)");

        await Assertions.Expect(last.GetByLabel("Input")).ToHaveValueAsync("Hello 40");            // drawn in full once near the viewport
        await Assertions.Expect(middle).ToHaveAttributeAsync("data-light", "true");                // a jump over it left it light
        await middle.DispatchEventAsync("click");        // a click on its text (dispatched: Playwright's own click would scroll it near first)

        await Assertions.Expect(middle.GetByLabel("Instruction")).ToBeFocusedAsync();                // drawn in full, the caret in its first field
        await page.Keyboard.TypeAsync("Answer briefly.");
        await Assertions.Expect(middle.Locator("pre.prompt-text")).ToContainTextAsync("Answer briefly.");
        await Assertions.Expect(middle.GetByLabel("Input")).ToHaveValueAsync("Hello 21");
    }

    [Theory]
    [InlineData(ColorScheme.Dark, null, "rgb(18, 22, 28)")]         // system mode: the prefers-color-scheme query
    [InlineData(ColorScheme.Light, null, "rgb(246, 248, 250)")]
    [InlineData(ColorScheme.Light, "Dark", "rgb(18, 22, 28)")]      // the chosen theme, from the cookie, over the system's
    [InlineData(ColorScheme.Dark, "Light", "rgb(246, 248, 250)")]
    public async Task The_first_paint_has_the_theme_before_the_circuit_starts(ColorScheme system, string? cookie, string background)
    {
        app.WriteNotebook("first-paint.md", Notebook("tiny", 4));
        var context = await app.Browser.NewContextAsync(new() { ColorScheme = system });
        if (cookie is not null)
            await context.AddCookiesAsync([new Cookie { Name = GptPlayground.Components.Layout.PlaygroundTheme.CookieName, Value = cookie, Url = app.BaseUrl }]);
        var page = await context.NewPageAsync();
        await page.RouteAsync("**/_framework/blazor.web*.js", route => route.AbortAsync());   // no circuit: the server's page is all there is

        await page.GotoAsync(app.BaseUrl + "/notebooks/first-paint.md");

        Assert.True(await page.EvaluateAsync<bool>("() => typeof window.Blazor === 'undefined'"));
        Assert.Equal(background, await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor"));
        await context.CloseAsync();
    }

    [Fact]
    public async Task A_theme_chosen_with_the_button_is_the_first_paint_of_the_next_page()
    {
        app.WriteNotebook("first-paint-choice.md", Notebook("tiny", 4));
        var context = await app.Browser.NewContextAsync(new() { ColorScheme = ColorScheme.Light });
        var page = await app.OpenAsync("/notebooks/first-paint-choice.md", context: context);
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch theme" }).ClickAsync();     // system -> light
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch theme" }).ClickAsync();     // light -> dark
        await Assertions.Expect(page.Locator("button[aria-label='Switch theme']")).ToHaveAttributeAsync("data-theme-mode", "dark");
        var next = await context.NewPageAsync();
        await next.RouteAsync("**/_framework/blazor.web*.js", route => route.AbortAsync());

        await next.GotoAsync(app.BaseUrl + "/");

        Assert.Equal("rgb(18, 22, 28)", await next.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor"));
        await context.CloseAsync();
    }

    [Fact]
    public async Task Screenshots_at_1366_and_1920_in_both_themes()
    {
        app.WriteNotebook("workbench.md", Notebook(BrowserApp.DemoModel, 24, variants: 4));
        foreach (var dark in new[] { false, true })
            foreach (var (w, h) in new[] { (1366, 768), (1920, 1080) })
            {
                var context = await app.Browser.NewContextAsync(new() { ColorScheme = dark ? ColorScheme.Dark : ColorScheme.Light, ViewportSize = new() { Width = w, Height = h } });
                var suffix = $"{w}{(dark ? "-dark" : "")}";
                var page = await app.OpenAsync("/notebooks/workbench.md", w, h, context);
                var cell = page.Locator("[data-cell='1']");
                await cell.GetByRole(AriaRole.Button, new() { Name = "Run cell" }).ClickAsync();
                foreach (var column in await cell.Locator(".variant-status").AllAsync())
                    await BrowserApp.WaitForText(column, s => s.Contains("finished"));
                await cell.ScrollIntoViewIfNeededAsync();
                await page.EvaluateAsync("() => window.scrollTo(0, 0)");
                await Save(page, $"notebook-editor-{suffix}.png", null);
                await Save(page, $"comparison-{suffix}.png", cell);

                await cell.GetByRole(AriaRole.Button, new() { Name = "Token view" }).ClickAsync();
                var token = cell.Locator("[data-variant='t1'] .tok").Nth(2);
                await token.FocusAsync();
                await Assertions.Expect(token.Locator("[role=tooltip]")).ToBeVisibleAsync();
                await Save(page, $"token-view-{suffix}.png", cell.Locator(".cell-outputs"));

                var home = await app.OpenAsync("/", w, h, context);
                await Save(home, $"notebooks-{suffix}.png", null);
                var models = await app.OpenAsync("/models", w, h, context);
                await Save(models, $"models-page-{suffix}.png", null);
                await context.CloseAsync();
            }
    }

    static async Task Save(IPage page, string file, ILocator? target)
    {
        if (BrowserApp.ScreenshotFolder is not { } dir) return;
        Directory.CreateDirectory(dir);
        if (target is null) await page.ScreenshotAsync(new() { Path = Path.Combine(dir, file) });
        else await target.ScreenshotAsync(new() { Path = Path.Combine(dir, file) });
    }
}
