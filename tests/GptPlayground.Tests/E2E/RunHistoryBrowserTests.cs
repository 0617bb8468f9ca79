using GptPlayground.Services;
using Microsoft.Playwright;

namespace GptPlayground.Tests.E2E;

/// <summary>The run history of a cell in a real browser: runs are recorded, listed, compared with the current output; a corrupt record line is a warning (screenshot when PLAYGROUND_SCREENSHOTS names a folder).</summary>
[Trait("Category", "Browser")]
public class RunHistoryBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    static string Notebook(string model) => $"""
        ---
        title: Stories
        model: {model}
        decoding:
          max_new_tokens: 16
        ---

        ## Zero-shot: tale

        ```input
        Once upon a time
        ```

        ```decoding greedy
        do_sample: false
        ```

        ```decoding warm
        do_sample: true
        temperature: 1.0
        ```
        """;

    [Fact]
    public async Task Each_run_is_listed_and_an_old_output_can_be_compared_with_the_new_one()
    {
        app.WriteNotebook("stories.md", Notebook(BrowserApp.DemoModel));
        var page = await app.OpenAsync("/notebooks/stories.md", width: 1366);
        var records = RunRecords.FileFor(Path.Combine(app.Prompts, "stories.md"), "tale");
        var cell = page.Locator("[data-cell='0']");
        await cell.GetByText("fixed seed", new() { Exact = true }).ClickAsync();          // a fresh seed each run: the warm outputs differ
        for (int run = 0; run < 2; run++)
        {
            await cell.GetByRole(AriaRole.Button, new() { Name = "Run cell" }).ClickAsync();
            var until = DateTime.UtcNow.AddSeconds(60);
            while (RunRecords.Read(records).Records.Count < 2 * (run + 1) && DateTime.UtcNow < until) await Task.Delay(100);   // each variant's run, recorded
            await Assertions.Expect(cell.GetByRole(AriaRole.Button, new() { Name = "Run cell" })).ToBeEnabledAsync(new() { Timeout = 60_000 });
        }
        var panel = cell.Locator(".run-history");

        await panel.GetByRole(AriaRole.Button, new() { Name = "Run history" }).ClickAsync();

        var rows = panel.Locator(".history-table tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(4);
        var variants = await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.historyVariant)");
        Assert.Equal(2, variants.Count(v => v == "greedy"));
        Assert.Equal(2, variants.Count(v => v == "warm"));
        var oldWarm = panel.Locator("tr[data-history-variant='warm']").Last;
        await oldWarm.GetByRole(AriaRole.Button).ClickAsync();
        var diff = cell.Locator(".output-diff .diff-text");
        await Assertions.Expect(diff).ToBeVisibleAsync();
        Assert.Contains("(history)", await diff.GetAttributeAsync("aria-label"));
        var current = await cell.Locator("[data-variant='warm'] .output-text").First.InnerTextAsync();
        Assert.Equal(Squash(current), Squash(string.Concat(await diff.Locator("span, ins").AllInnerTextsAsync())));
        if (BrowserApp.ScreenshotFolder is { } dir)
        {
            Directory.CreateDirectory(dir);
            await cell.Locator(".cell-outputs").ScreenshotAsync(new() { Path = Path.Combine(dir, "run-history-1366.png") });
        }

        // a corrupt line in the record file: reported in the panel, the other runs still listed, the page keeps working
        File.AppendAllText(records, "{ not a record\n");
        var again = await app.OpenAsync("/notebooks/stories.md");
        var history = again.Locator("[data-cell='0'] .run-history");
        await history.GetByRole(AriaRole.Button, new() { Name = "Run history" }).ClickAsync();
        await Assertions.Expect(history.Locator(".history-table tbody tr")).ToHaveCountAsync(4);
        await Assertions.Expect(history.Locator(".history-warning")).ToContainTextAsync("line 5: not a run record");
    }

    static string Squash(string s) => string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
