using Microsoft.Playwright;

namespace GptPlayground.Tests.E2E;

/// <summary>The answer distribution of a variant in a real browser (and its screenshot when PLAYGROUND_SCREENSHOTS names a folder).</summary>
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
}
