using System.Diagnostics;
using System.Globalization;
using GptPlayground.Services;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace GptPlayground.Tests.E2E;

/// <summary>
/// Dataset cells in a real browser: the example notebook's reverse task run as a results matrix and compared across
/// prompt styles (screenshots when PLAYGROUND_SCREENSHOTS names a folder), and a 200-row x 3-variant run during which
/// another cell's prompt preview keeps answering keystrokes (the figures are printed for docs/performance.md).
/// </summary>
[Trait("Category", "Browser")]
public class DatasetBrowserTests(BrowserApp app, ITestOutputHelper output) : IClassFixture<BrowserApp>
{
    /// <summary>Copies the repository's prompts/eval-datasets.md and its data file into the app's prompts folder.</summary>
    void CopyExample()
    {
        var repo = PlaygroundPaths.RepositoryRoot ?? throw new InvalidOperationException("the tests run inside the checkout: prompts/eval-datasets.md is needed");
        Directory.CreateDirectory(Path.Combine(app.Prompts, "data"));
        File.Copy(Path.Combine(repo, "prompts", "eval-datasets.md"), Path.Combine(app.Prompts, "eval-datasets.md"), overwrite: true);
        File.Copy(Path.Combine(repo, "prompts", "data", "reverse.csv"), Path.Combine(app.Prompts, "data", "reverse.csv"), overwrite: true);
    }

    /// <summary>The cell whose dataset line says <paramref name="datasetLine"/>, once it is there (the dataset is checked after the cell appears).</summary>
    static async Task<ILocator> CellWithAsync(IPage page, string datasetLine)
    {
        var line = page.Locator(".dataset-line").Filter(new() { HasText = datasetLine });
        var until = DateTime.UtcNow.AddSeconds(30);
        while (await line.CountAsync() != 1 && DateTime.UtcNow < until) await Task.Delay(100);
        Assert.True(await line.CountAsync() == 1, $"no cell says '{datasetLine}'; the dataset panels say: {string.Join(" | ", await page.Locator(".dataset-panel").AllInnerTextsAsync())}");
        return page.Locator("[data-cell]").Filter(new() { Has = line });
    }

    [Fact]
    public async Task A_dataset_cell_runs_as_a_results_matrix_and_compares_prompt_styles_on_its_rows()
    {
        CopyExample();
        var page = await app.OpenAsync("/notebooks/eval-datasets.md", width: 1366, height: 1600);   // tall: the panels fit in view below the sticky bars
        var cell = await CellWithAsync(page, "data/reverse.csv: 40 rows × 2 variants");
        var panel = cell.Locator(".dataset-panel");

        await cell.GetByRole(AriaRole.Button, new() { Name = "Run cell" }).ClickAsync();
        await BrowserApp.WaitForText(panel.Locator(".results-matrix .matrix-status"), s => s.StartsWith("Finished 40 rows × 2 variants", StringComparison.Ordinal), 300000);

        Assert.Equal(2, await panel.Locator("tr.variant-summary").CountAsync());
        Assert.Equal(2, await panel.Locator(".interval-point").CountAsync());
        if (BrowserApp.DemoModel == "playground-mini")
        {
            Assert.Equal("100%", await panel.Locator("tr.variant-summary[data-variant='greedy'] .pass-rate").InnerTextAsync());
            Assert.Equal("91.2% – 100%", await panel.Locator("tr.variant-summary[data-variant='greedy'] .interval").InnerTextAsync());
        }
        await panel.Locator(".matrix-row[data-row='2'] .result[data-variant='greedy'] button").ClickAsync();
        await Assertions.Expect(panel.Locator(".matrix-details")).ToContainTextAsync("line 4 of data/reverse.csv");
        if (BrowserApp.ScreenshotFolder is { } dir)
        {
            Directory.CreateDirectory(dir);
            await ShootAsync(panel, Path.Combine(dir, "eval-matrix-1366.png"));
        }

        await cell.GetByRole(AriaRole.Button, new() { Name = "Compare prompt styles" }).ClickAsync();
        var styles = panel.Locator(".style-comparison");
        await Assertions.Expect(styles.Locator("tr.style-summary")).ToHaveCountAsync(3, new() { Timeout = 30000 });
        foreach (var state in await styles.Locator("tr.style-summary .style-state").AllAsync())
            await BrowserApp.WaitForText(state, s => s.EndsWith(" s", StringComparison.Ordinal), 300000);

        Assert.Equal(["zero-shot", "few-shot", "instruction"], await styles.Locator("tr.style-summary td:first-child").AllInnerTextsAsync());
        Assert.Equal(3, await styles.Locator(".interval-point").CountAsync());
        if (BrowserApp.DemoModel == "playground-mini")
            Assert.Equal("100%", await styles.Locator("tr.style-summary[data-style='few-shot'] .accuracy").InnerTextAsync());
        if (BrowserApp.ScreenshotFolder is { } shots)
            await ShootAsync(styles, Path.Combine(shots, "eval-styles-1366.png"));
    }

    /// <summary>A screenshot of <paramref name="element"/> centred in the viewport (at the top, the sticky app and notebook bars would cover it).</summary>
    static async Task ShootAsync(ILocator element, string path)
    {
        await element.EvaluateAsync("e => e.scrollIntoView({ block: 'center' })");
        await element.Page.WaitForTimeoutAsync(300);
        await element.ScreenshotAsync(new() { Path = path });
    }

    /// <summary>A notebook with a plain cell to type in and a 200-row x 3-variant dataset cell (the reverse task's shape).</summary>
    static string LoadNotebook(string model) => $$$"""
        ---
        title: Load
        model: {{{model}}}
        decoding:
          max_new_tokens: 12
          stop:
            - "\n"
        ---

        ## Zero-shot: typing

        ```input
        Q: What is the opposite of rough?
        A:
        ```

        ## Few-shot: reverse 200

        ```cell
        separator: "\n"
        dataset: data/reverse200.csv
        ```

        ```template
        Input: {{input}}
        Output: {{output}}
        ```

        ```example
        6 5 3 4 0
        ```

        ```example-output
        0 4 3 5 6
        ```

        ```example
        3 7 5 0
        ```

        ```example-output
        0 5 7 3
        ```

        ```query
        {{input}}
        ```

        ```decoding greedy
        do_sample: false
        ```

        ```decoding t0.7
        do_sample: true
        temperature: 0.7
        seed: 7
        ```

        ```decoding topk5
        do_sample: true
        top_k: 5
        seed: 11
        ```
        """;

    [Fact]
    public async Task A_200_row_3_variant_run_finishes_while_another_cells_preview_keeps_answering_keystrokes()
    {
        var random = new Random(200);
        var rows = Enumerable.Range(0, 200).Select(_ => Enumerable.Range(0, random.Next(4, 7)).Select(_ => random.Next(10).ToString(CultureInfo.InvariantCulture)).ToList());
        Directory.CreateDirectory(Path.Combine(app.Prompts, "data"));
        File.WriteAllLines(Path.Combine(app.Prompts, "data", "reverse200.csv"),
            ["input,expected", .. rows.Select(r => $"{string.Join(' ', r)},{string.Join(' ', Enumerable.Reverse(r))}")]);
        app.WriteNotebook("load.md", LoadNotebook(BrowserApp.DemoModel));
        var page = await app.OpenAsync("/notebooks/load.md", width: 1366);
        var cell = await CellWithAsync(page, "data/reverse200.csv: 200 rows × 3 variants");
        var typing = page.Locator("[data-cell='0']");
        var input = typing.Locator("textarea[aria-label='Input']");
        var before = await TypeAsync(page, input, "b", 5);

        var clock = Stopwatch.StartNew();
        await cell.GetByRole(AriaRole.Button, new() { Name = "Run cell" }).ClickAsync();
        var matrix = cell.Locator(".results-matrix");
        await Assertions.Expect(matrix).ToHaveAttributeAsync("data-running", "true", new() { Timeout = 30000 });
        await BrowserApp.WaitForText(matrix.Locator(".matrix-status"), s => !s.Contains("(0 of 600 runs)", StringComparison.Ordinal), 120000);   // rows are coming in
        // the first keystroke is answered while rows still come in (on a quiet machine the whole run takes ~5 s, so the
        // check follows the first mark, not the tenth); the rest are timed for the report, during the run or just after
        var during = await TypeAsync(page, input, "d", 1);
        int keptRunning = await matrix.GetAttributeAsync("data-running") == "true" ? 1 : 0;
        string status = await matrix.Locator(".matrix-status").InnerTextAsync();
        during.AddRange(await TypeAsync(page, input, "e", 9));
        await BrowserApp.WaitForText(matrix.Locator(".matrix-status"), s => s.StartsWith("Finished 200 rows × 3 variants (600 of 600 runs)", StringComparison.Ordinal), 600000);
        var finished = clock.Elapsed;

        int rendered = await matrix.Locator(".matrix-body .matrix-row").CountAsync();
        var summary = string.Join("; ", await matrix.Locator("tr.variant-summary").AllInnerTextsAsync()).Replace('\t', ' ');
        var final = await matrix.Locator(".matrix-status").InnerTextAsync();
        var report = string.Create(CultureInfo.InvariantCulture,
            $"[eval-load] model {BrowserApp.DemoModel}; run: {final} (click to finished in the page: {finished.TotalSeconds:0.0} s); " +
            $"typing p50/max before the run {Median(before):0}/{before.Max():0} ms, during it {Median(during):0}/{during.Max():0} ms (status after typing: {status}); " +
            $"matrix rows in the page: {rendered} of 200; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; {summary}");
        output.WriteLine(report);
        Console.WriteLine(report);

        Assert.Equal(1, keptRunning);                      // the keystrokes were answered while the run went on
        Assert.True(rendered < 200, $"{rendered} rows in the page: the matrix is not virtualized");
        Assert.Equal(3, await matrix.Locator("tr.variant-summary").CountAsync());
    }

    /// <summary>Types <paramref name="count"/> marks at the end of <paramref name="input"/>, each timed from the keystroke to the cell's preview showing it.</summary>
    static async Task<List<double>> TypeAsync(IPage page, ILocator input, string prefix, int count)
    {
        await input.ClickAsync();
        await input.PressAsync("End");
        var times = new List<double>();
        var typed = "";
        for (int k = 0; k < count; k++)
        {
            var mark = $"{prefix}{k}";
            typed += mark;
            var clock = Stopwatch.StartNew();
            await page.Keyboard.TypeAsync(mark);
            await page.WaitForFunctionAsync("t => document.querySelector(\"[data-cell='0'] pre.prompt-text\")?.textContent.includes(t)", typed,
                new() { PollingInterval = 5, Timeout = 30000 });
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return times;
    }

    static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
