using GptPlayground.Services;
using Microsoft.Playwright;

namespace GptPlayground.Tests.E2E;

/// <summary>The example notebooks of the repository's prompts/ open and run in the browser (on the test models).</summary>
[Trait("Category", "Browser")]
public class ExampleNotebookBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    static string ExamplesFolder => Path.Combine(PlaygroundPaths.RepositoryRoot
        ?? throw new InvalidOperationException("the tests run from a checkout: GptPlayground.sln not found above the test folder"), "prompts");

    [Fact]
    public async Task Home_lists_the_examples_and_one_runs_end_to_end()
    {
        var examples = Directory.GetFiles(ExamplesFolder, "*.md");
        Assert.NotEmpty(examples);
        foreach (var file in examples)
            app.WriteNotebook(Path.GetFileName(file), File.ReadAllText(file).Replace("max_new_tokens: ", "max_new_tokens: 2 #"));
        // every example with its budget cut to 2 tokens (" #40" becomes a YAML comment), so that runs are short on the test models
        var home = await app.OpenAsync("/");

        foreach (var file in examples)
            await Assertions.Expect(home.Locator($"tr[data-notebook='{Path.GetFileName(file)}']")).ToBeVisibleAsync();

        var name = Path.GetFileName(examples.Order().First());
        await home.Locator($"tr[data-notebook='{name}'] a.nb-title").ClickAsync();
        await Assertions.Expect(home.Locator(".notebook-editor")).ToBeVisibleAsync();
        await home.WaitForTimeoutAsync(300);
        await home.GetByRole(AriaRole.Button, new() { Name = "Run all" }).ClickAsync();

        var statuses = home.Locator(".variant-status");
        var until = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < until)
        {
            var texts = await statuses.AllInnerTextsAsync();
            if (texts.Count > 0 && texts.All(t => t.Contains("finished") || t.Contains("failed"))) break;
            await Task.Delay(200);
        }
        var final = await statuses.AllInnerTextsAsync();
        Assert.NotEmpty(final);
        Assert.All(final, t => Assert.Contains("finished", t));
    }
}
