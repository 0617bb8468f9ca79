using Microsoft.Playwright;

namespace GptPlayground.Tests.E2E;

/// <summary>The answer distribution of a variant and the diff of two columns in a real browser (screenshots when PLAYGROUND_SCREENSHOTS names a folder).</summary>
[Trait("Category", "Browser")]
public class OutputAnalysisBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    static string Notebook(string model) => $"""
        ---
        title: Antonyms
        model: {model}
        decoding:
          max_new_tokens: 8
          stop:
            - "\n"
        ---

        What does the model tend to answer?

        ## Zero-shot: antonym

        ```input
        Q: What is the opposite of rough?
        A:
        ```

        ```decoding greedy
        do_sample: false
        ```

        ```decoding t1
        do_sample: true
        temperature: 1.0
        seed: 42
        ```
        """;

    [Fact]
    public async Task Sampling_a_variant_200_times_shows_its_answers_as_bars()
    {
        app.WriteNotebook("antonyms.md", Notebook(BrowserApp.DemoModel));
        var page = await app.OpenAsync("/notebooks/antonyms.md");
        var cell = page.Locator("[data-cell='1']");
        var panel = cell.Locator(".sample-distribution");

        await panel.GetByRole(AriaRole.Button, new() { Name = "Answer distribution" }).ClickAsync();
        var samples = panel.Locator("input[aria-label='Distribution samples']");
        await samples.FillAsync("200");
        await samples.PressAsync("Tab");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Sample distribution" }).ClickAsync();
        await BrowserApp.WaitForText(panel.Locator(".distribution-summary"), s => s.Contains("200 samples of t1"));

        var counts = await panel.Locator("tr.distribution-group").EvaluateAllAsync<int[]>("rows => rows.map(r => +r.dataset.count)");
        Assert.Equal(200, counts.Sum());
        Assert.Equal(counts.OrderByDescending(c => c), counts);
        Assert.Contains("entropy", await panel.Locator(".distribution-summary").InnerTextAsync());
        if (BrowserApp.DemoModel == "playground-mini")
            Assert.Equal("smooth", await panel.Locator("tr.distribution-group .answer").First.InnerTextAsync());
        if (BrowserApp.ScreenshotFolder is { } dir)
        {
            Directory.CreateDirectory(dir);
            await panel.ScreenshotAsync(new() { Path = Path.Combine(dir, "answer-distribution-1366.png") });
        }
    }

    [Fact]
    public async Task Diff_outputs_marks_the_words_two_columns_disagree_on()
    {
        app.WriteNotebook("antonyms-diff.md", Notebook(BrowserApp.DemoModel).Replace("max_new_tokens: 8", "max_new_tokens: 24").Replace("  stop:\n    - \"\\n\"\n", "")
            .Replace("Q: What is the opposite of rough?\nA:", "The old man walked"));
        var page = await app.OpenAsync("/notebooks/antonyms-diff.md");
        var cell = page.Locator("[data-cell='1']");
        await cell.GetByRole(AriaRole.Button, new() { Name = "Run cell" }).ClickAsync();
        foreach (var column in await cell.Locator(".variant-status").AllAsync())
            await BrowserApp.WaitForText(column, s => s.Contains("finished"));
        var panel = cell.Locator(".output-diff");

        await panel.GetByRole(AriaRole.Button, new() { Name = "Diff outputs" }).ClickAsync();

        var greedy = await cell.Locator("[data-variant='greedy'] .output-text").First.InnerTextAsync();
        var sampled = await cell.Locator("[data-variant='t1'] .output-text").First.InnerTextAsync();
        var text = panel.Locator(".diff-text");
        await Assertions.Expect(text).ToBeVisibleAsync();
        var kept = string.Concat(await text.Locator("span, del").AllInnerTextsAsync());
        Assert.Equal(Squash(greedy), Squash(kept));
        if (greedy != sampled) Assert.True(await text.Locator("del, ins").CountAsync() > 0);
        if (BrowserApp.ScreenshotFolder is { } dir)
        {
            Directory.CreateDirectory(dir);
            await cell.Locator(".cell-outputs").ScreenshotAsync(new() { Path = Path.Combine(dir, "output-diff-1366.png") });
        }
    }

    static string Squash(string s) => string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
