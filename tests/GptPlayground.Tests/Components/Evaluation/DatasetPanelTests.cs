using GptPlayground.Components.Cells;
using GptPlayground.Components.Evaluation;
using GptPlayground.Components.Notebooks;
using GptPlayground.Decoding;
using GptPlayground.Evaluation;
using GptPlayground.Notebooks;
using GptPlayground.Services;
using GptPlayground.Tests.Web;

namespace GptPlayground.Tests.Components.Evaluation;

/// <summary>
/// Dataset cells in the editor over the real <c>tiny</c> model: Run cell and Run all evaluate every row x variant into
/// the matrix, Cancel stops it, Compare prompt styles runs the rows per style, and a dataset that cannot be used is
/// named with its file and line in the cell, where Run refuses with the same message.
/// </summary>
public sealed class DatasetPanelTests(WebModels models) : IClassFixture<WebModels>, IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("gptplayground-dataset-panel-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }

    static (Notebook, ZeroShotCell) Cell(int rows, string? datasetFile = null, AssertionKind? assert = AssertionKind.Contains, int tokens = 3)
    {
        var cell = new ZeroShotCell
        {
            Name = "reverse",
            Input = "Reverse {{input}}:",
            Dataset = datasetFile is null ? "input,expected\n" + string.Join("\n", Enumerable.Range(0, rows).Select(i => $"{i} {i + 1},{i + 1} {i}")) : null,
            DatasetFile = datasetFile,
            Assert = assert,
            Variants = [new DecodingVariant("greedy", new DecodingSettings()), new DecodingVariant("t0.7", new DecodingSettings { DoSample = true, Temperature = 0.7, Seed = 7 })],
        };
        return (new Notebook { Model = "tiny", Decoding = new DecodingSettings { MaxNewTokens = tokens, MinNewTokens = tokens > 3 ? tokens : null }, Cells = [cell] }, cell);
    }

    IRenderedComponent<PromptCellView> View(ComponentContext ctx, Notebook notebook, PromptCell cell, DatasetRunState dataset, CellRunState? state = null) =>
        ctx.WithPlayground(models.Directory).Render<PromptCellView>(p => p
            .Add(x => x.Notebook, notebook).Add(x => x.Cell, cell).Add(x => x.State, state ?? new CellRunState()).Add(x => x.Dataset, dataset)
            .Add(x => x.Models, ["tiny"]));

    [Fact]
    public void Run_cell_on_a_dataset_cell_fills_the_matrix_with_every_row_and_variant_and_their_pass_rates()
    {
        using var ctx = new ComponentContext();
        var (notebook, cell) = Cell(6);
        var dataset = new DatasetRunState();
        var cut = View(ctx, notebook, cell, dataset);
        cut.WaitForAssertion(() => Assert.Contains("6 rows × 2 variants · assert: contains", cut.Find(".dataset-line").TextContent));

        cut.Find("button[aria-label='Run cell']").Click();

        cut.WaitForAssertion(() => Assert.StartsWith("Finished 6 rows × 2 variants (12 of 12 runs)", cut.Find(".matrix-status").TextContent), TimeSpan.FromSeconds(60));
        Assert.Equal(12, cut.FindAll(".matrix-body .result").Count);
        Assert.Empty(cut.FindAll(".result[data-state='pending']"));
        foreach (var summary in dataset.Matrix!.Summaries)
        {
            Assert.Equal(6, summary.Judged);
            var row = cut.Find($"tr.variant-summary[data-variant='{summary.Variant}']");
            Assert.Equal(GptPlayground.Components.Charts.IntervalChart.Percent(summary.PassRate!.Value), row.QuerySelector(".pass-rate")!.TextContent);
        }
        Assert.Equal(2, cut.FindAll(".interval-point").Count);
        cut.WaitForAssertion(() => Assert.False(cut.Find("button[aria-label='Run cell']").HasAttribute("disabled")));
    }

    [Fact]
    public void The_dataset_line_counts_a_variant_added_after_the_check()
    {
        using var ctx = new ComponentContext();
        var (notebook, cell) = Cell(4);
        var cut = View(ctx, notebook, cell, new DatasetRunState());
        cut.WaitForAssertion(() => Assert.Contains("4 rows × 2 variants", cut.Find(".dataset-line").TextContent));

        cut.Find("button[aria-label='Add variant']").Click();

        cut.WaitForAssertion(() => Assert.Contains("4 rows × 3 variants", cut.Find(".dataset-line").TextContent));
    }

    [Fact]
    public void Cancel_stops_a_200_row_run_keeps_the_rows_in_and_renders_at_most_once_per_interval()
    {
        using var ctx = new ComponentContext();
        // 64 tokens a run (no early end): 400 runs take seconds even on a quiet machine, so Cancel lands mid-run
        // (with 3 tokens a CI machine finished all 400 between the check below and the click)
        var (notebook, cell) = Cell(200, tokens: 64);
        var dataset = new DatasetRunState();
        var cut = View(ctx, notebook, cell, dataset);
        cut.WaitForAssertion(() => Assert.NotNull(dataset.Plan));

        cut.Find("button[aria-label='Run cell']").Click();
        cut.WaitForAssertion(() => Assert.True(dataset.Matrix is { Done: > 20 }), TimeSpan.FromSeconds(60));
        cut.Find("button[aria-label='Cancel']").Click();

        cut.WaitForAssertion(() => Assert.StartsWith("Cancelled after", cut.Find(".matrix-status").TextContent), TimeSpan.FromSeconds(30));
        var matrix = dataset.Matrix!;
        Assert.True(matrix.Done < 400, $"{matrix.Done} runs finished: the run was not stopped");
        Assert.Equal(matrix.Done, matrix.Summaries.Sum(s => s.Judged));
        // a refresh per render: at most one per 150 ms while results came in, and one at the end, never one per result
        Assert.True(matrix.Refreshes <= matrix.Elapsed / DatasetRunState.RenderInterval + 2, $"{matrix.Refreshes} renders in {matrix.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(matrix.Refreshes < matrix.Done, $"{matrix.Refreshes} renders for {matrix.Done} results");
    }

    [Fact]
    public void Compare_prompt_styles_on_a_dataset_cell_shows_the_accuracy_of_each_style_on_the_same_rows()
    {
        using var ctx = new ComponentContext();
        var (notebook, cell) = Cell(5);
        var dataset = new DatasetRunState();
        var cut = View(ctx, notebook, cell, dataset);

        cut.Find("button[aria-label='Compare prompt styles']").Click();

        cut.WaitForAssertion(() =>
        {
            var states = cut.FindAll("tr.style-summary .style-state");
            Assert.Equal(3, states.Count);
            Assert.All(states, s => Assert.EndsWith(" s", s.TextContent));
        }, TimeSpan.FromSeconds(60));
        var styles = cut.FindAll("tr.style-summary");
        Assert.Equal(["zero-shot", "few-shot", "instruction"], styles.Select(s => s.GetAttribute("data-style")));
        Assert.All(dataset.Styles!, s => Assert.Equal(5, s.Summaries[0].Judged));
        Assert.Equal(["zero-shot", "few-shot", "instruction"], cut.FindAll("[aria-label='Accuracy per prompt style with 95% intervals'] .interval-point").Select(p => p.GetAttribute("data-label")));
        Assert.Equal(5, cut.FindAll("[aria-label='Results matrix of zero-shot'] .matrix-body .matrix-row").Count);

        cut.Find("button[aria-label='Rows of instruction']").Click();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[aria-label='Results matrix of instruction']")));
        Assert.Equal("true", cut.Find("button[aria-label='Rows of instruction']").GetAttribute("aria-pressed"));
    }

    public static TheoryData<string, string, AssertionKind?> BadDatasets => new()
    {
        { "word,answer\ndog,dogs\n", "data/bad.csv line 1: no column 'expected'", AssertionKind.Exact },
        { "input,expected\n1 2,2 1\n3 4\n", "data/bad.csv line 3", AssertionKind.Exact },
        { "input,expected\n1 2,2 1\n3 4,(unclosed\n", "data/bad.csv line 3: column 'expected': regex '(unclosed' does not compile", AssertionKind.Regex },
    };

    [Theory]
    [MemberData(nameof(BadDatasets))]
    public void A_dataset_that_cannot_be_used_is_named_by_file_and_line_in_the_cell_and_run_refuses_with_it(string csv, string message, AssertionKind? assert)
    {
        Directory.CreateDirectory(Path.Combine(folder, "data"));
        File.WriteAllText(Path.Combine(folder, "data", "bad.csv"), csv);
        using var ctx = new ComponentContext();
        var (notebook, cell) = Cell(0, datasetFile: "data/bad.csv", assert: assert);
        var dataset = new DatasetRunState { NotebookDirectory = folder };
        var cut = View(ctx, notebook, cell, dataset);

        cut.WaitForAssertion(() => Assert.Contains(message, cut.Find(".dataset-panel [role=alert]").TextContent), TimeSpan.FromSeconds(10));
        cut.Find("button[aria-label='Run cell']").Click();

        cut.WaitForAssertion(() => Assert.False(cut.Instance.Running));
        Assert.Contains(message, cut.Find(".dataset-panel [role=alert]").TextContent);
        Assert.Null(dataset.Matrix);
    }

    [Fact]
    public void A_10_mb_dataset_file_is_refused_in_the_cell_with_its_size()
    {
        Directory.CreateDirectory(Path.Combine(folder, "data"));
        using (var writer = new StreamWriter(Path.Combine(folder, "data", "big.csv")))
        {
            writer.WriteLine("input,expected");
            var row = new string('7', 98) + ",x";
            for (int i = 0; i < 10 * 1024 * 1024 / 101; i++) writer.WriteLine(row);
        }
        using var ctx = new ComponentContext();
        var (notebook, cell) = Cell(0, datasetFile: "data/big.csv");
        var dataset = new DatasetRunState { NotebookDirectory = folder };
        var cut = View(ctx, notebook, cell, dataset);

        cut.WaitForAssertion(() => Assert.Contains("data/big.csv: is 10.0 MB: datasets over", cut.Find(".dataset-panel [role=alert]").TextContent), TimeSpan.FromSeconds(10));
        cut.Find("button[aria-label='Run cell']").Click();
        cut.WaitForAssertion(() => Assert.False(cut.Instance.Running));
        Assert.Null(dataset.Matrix);
    }

    [Fact]
    public void Run_all_evaluates_a_dataset_file_beside_the_notebook()
    {
        var prompts = Path.Combine(folder, "prompts");
        Directory.CreateDirectory(Path.Combine(prompts, "data"));
        File.WriteAllText(Path.Combine(prompts, "data", "rows.csv"), "input,expected\n1 2,2 1\n3 4,4 3\n5 6,6 5\n");
        File.WriteAllText(Path.Combine(prompts, "eval.md"), """
            ---
            model: tiny
            decoding:
              max_new_tokens: 3
            ---

            ## Zero-shot: rows

            ```cell
            dataset: data/rows.csv
            ```

            ```input
            Reverse {{input}}:
            ```
            """);
        using var ctx = new ComponentContext();
        var cut = ctx.WithPlayground(models.Directory, prompts).Render<NotebookEditor>(p => p.Add(x => x.Name, "eval.md"));
        cut.WaitForAssertion(() => Assert.Contains("data/rows.csv: 3 rows × 1 variant", cut.Find(".dataset-line").TextContent), TimeSpan.FromSeconds(10));

        cut.Find("button[aria-label='Run all']").Click();

        cut.WaitForAssertion(() => Assert.StartsWith("Finished 3 rows × 1 variant (3 of 3 runs)", cut.Find(".matrix-status").TextContent), TimeSpan.FromSeconds(60));
        Assert.Equal("0%", cut.Find("tr.variant-summary .pass-rate").TextContent);       // a random tiny model does not reverse numbers
    }

    [Fact]
    public void An_expected_column_on_a_cell_without_a_dataset_is_named_by_line_when_the_notebook_opens()
    {
        var prompts = Path.Combine(folder, "prompts");
        Directory.CreateDirectory(prompts);
        File.WriteAllText(Path.Combine(prompts, "bad.md"), "---\nmodel: tiny\n---\n\n## Zero-shot: q\n\n```cell\nexpected_column: plural\n```\n\n```input\nplural of dog:\n```\n");
        using var ctx = new ComponentContext();

        var cut = ctx.WithPlayground(models.Directory, prompts).Render<NotebookEditor>(p => p.Add(x => x.Name, "bad.md"));

        cut.WaitForAssertion(() => Assert.Contains("line 8", cut.Find("[role=alert]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains("expected_column (='plural') names a dataset column but cell 'q' has no dataset", cut.Find("[role=alert]").TextContent);
    }
}
