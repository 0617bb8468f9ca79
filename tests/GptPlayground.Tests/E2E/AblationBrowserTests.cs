using GptPlayground.Services;
using Microsoft.Playwright;

namespace GptPlayground.Tests.E2E;

/// <summary>The few-shot ablation of the example notebook in a real browser (a screenshot when PLAYGROUND_SCREENSHOTS names a folder).</summary>
[Trait("Category", "Browser")]
public class AblationBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    static string Examples => Path.Combine(PlaygroundPaths.RepositoryRoot ?? throw new InvalidOperationException("no checkout"), "prompts");

    [Fact]
    public async Task Ablating_the_example_draws_the_k_shot_curve_the_leave_one_out_bars_and_the_orders()
    {
        app.WriteNotebook("few-shot-ablation.md", File.ReadAllText(Path.Combine(Examples, "few-shot-ablation.md")));
        Directory.CreateDirectory(Path.Combine(app.Prompts, "data"));
        File.Copy(Path.Combine(Examples, "data", "reverse.csv"), Path.Combine(app.Prompts, "data", "reverse.csv"), overwrite: true);
        var page = await app.OpenAsync("/notebooks/few-shot-ablation.md", width: 1366);
        var panel = page.Locator("section.ablation");

        await panel.GetByRole(AriaRole.Button, new() { Name = "Ablate examples" }).ClickAsync();
        var repeats = panel.Locator("input[aria-label='Ablation repeats']");
        await repeats.FillAsync("3");
        await repeats.PressAsync("Tab");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Run ablation" }).ClickAsync();
        await Assertions.Expect(panel.Locator(".ablation-summary")).ToBeVisibleAsync(new() { Timeout = 300_000 });
        await BrowserApp.WaitForText(panel.Locator(".ablation-summary"), s => s.Contains("All 5 examples"));

        Assert.Equal(6, await panel.Locator("circle.kshot-point").CountAsync());
        Assert.Equal(5, await panel.Locator("g.loo-row").CountAsync());
        Assert.Equal(3, await panel.Locator("tr.random-order").CountAsync());
        Assert.Contains("repeats 3, seed 1", await panel.Locator(".ablation-summary").InnerTextAsync());
        if (BrowserApp.ScreenshotFolder is { } dir)
        {
            Directory.CreateDirectory(dir);
            await panel.ScreenshotAsync(new() { Path = Path.Combine(dir, "ablation-1366.png") });
        }
    }
}
