using GptPlayground.Decoding;
using GptPlayground.Evaluation;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Serving;
using GptPlayground.Notebooks;
using GptPlayground.Services;
using GptPlayground.Tests.Cli;

namespace GptPlayground.Tests.Services;

/// <summary>The evaluation engine as a component calls it: a plan checked first, rows reported as they finish, cancellation.</summary>
public sealed class DatasetEvaluatorTests(NotebookCliModels models) : IClassFixture<NotebookCliModels>, IDisposable
{
    readonly ModelCatalog catalog = new(models.Directory);
    readonly PlaygroundSession session = new();

    public void Dispose()
    {
        session.Dispose();
        catalog.Dispose();
    }

    DatasetEvaluator Evaluator()
    {
        var generation = new GenerationRunner(catalog, new GenerationQueue(), session);
        return new DatasetEvaluator(new CellRunner(generation, catalog), generation);
    }

    static (Notebook, ZeroShotCell) Cell(int rows)
    {
        var csv = "word,expected\n" + string.Join("\n", Enumerable.Range(0, rows).Select(i => $"w{i},x{i}"));
        var cell = new ZeroShotCell
        {
            Name = "c",
            Input = "plural of {{word}}:",
            Dataset = csv,
            Assert = AssertionKind.Contains,
            Variants = [new DecodingVariant("greedy", new DecodingSettings()), new DecodingVariant("t1", new DecodingSettings { DoSample = true, Seed = 1 })],
        };
        return (new Notebook { Decoding = new DecodingSettings { MaxNewTokens = 3 }, Cells = [cell] }, cell);
    }

    [Fact]
    public async Task Every_row_and_variant_is_reported_as_it_finishes_and_returned_in_order()
    {
        var (notebook, cell) = Cell(12);
        var reported = new List<RowResult>();

        var result = await Evaluator().EvaluateAsync(new EvaluationRequest(notebook, cell, "tiny") { Concurrency = 4 }, new SyncProgress(reported.Add));

        Assert.Equal(24, reported.Count);
        Assert.Equal(24, result.Rows.Count);
        Assert.Equal(Enumerable.Range(0, 12).SelectMany(r => new[] { (r, "greedy"), (r, "t1") }), result.Rows.Select(r => (r.Row, r.Variant)));
        Assert.All(result.Rows, r => Assert.Equal($"x{r.Row}", r.Expected));
        Assert.Equal(["greedy", "t1"], result.Variants.Select(v => v.Variant));
        Assert.All(result.Variants, v => Assert.Equal(12, v.Judged));
    }

    [Fact]
    public async Task A_row_whose_prompt_fails_is_a_failed_result_not_an_exception()
    {
        var (notebook, cell) = Cell(2);
        cell.Dataset = "word,expected\nshort,x\n" + new string('a', 3000) + ",y";       // over the tiny model's context

        var result = await Evaluator().EvaluateAsync(new EvaluationRequest(notebook, cell, "tiny"));

        Assert.All(result.Rows.Where(r => r.Row == 0), r => Assert.Null(r.Error));
        Assert.All(result.Rows.Where(r => r.Row == 1), r => { Assert.False(r.Passed); Assert.NotNull(r.Error); });
        Assert.All(result.Variants, v => Assert.Equal(1, v.Errors));
    }

    [Fact]
    public async Task Cancelling_stops_the_run()
    {
        var (notebook, cell) = Cell(200);
        using var cts = new CancellationTokenSource();
        int seen = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Evaluator().EvaluateAsync(new EvaluationRequest(notebook, cell, "tiny") { Concurrency = 2 }, new SyncProgress(_ => { if (++seen == 3) cts.Cancel(); }), cts.Token));

        Assert.True(seen < 400);
    }

    [Fact]
    public void Plan_refuses_a_regex_template_that_does_not_compile_for_a_row_naming_its_line()
    {
        var (notebook, cell) = Cell(2);
        cell.Assert = AssertionKind.Regex;
        cell.Expected = "^{{word}}$";
        cell.Dataset = "word\nok\nbad(";

        var e = Assert.Throws<DatasetException>(() => DatasetEvaluator.Plan(new EvaluationRequest(notebook, cell, "tiny")));

        Assert.StartsWith("cell 'c' ```dataset block line 3: the ```expected block gives the regex '^bad($', which does not compile", e.Message);
    }

    [Fact]
    public void A_bad_row_of_an_inline_dataset_read_from_a_notebook_names_the_notebook_line()
    {
        var text = "---\ntitle: t\n---\n\n## Zero-shot: c\n\n```cell\nassert: regex\n```\n\n```input\n{{word}}\n```\n\n```expected\n^{{word}}$\n```\n\n```dataset\nword\nok\nbad(\n```\n";
        var notebook = NotebookFormat.Parse(text);
        var cell = (PromptCell)notebook.Cells[0];
        int badLine = text.Split('\n').ToList().IndexOf("bad(") + 1;

        var e = Assert.Throws<DatasetException>(() => DatasetEvaluator.Plan(new EvaluationRequest(notebook, cell, "tiny")));

        Assert.Equal(22, badLine);
        Assert.StartsWith("cell 'c' ```dataset block, notebook line 22: the ```expected block gives the regex '^bad($'", e.Message);
    }

    [Fact]
    public void An_inline_dataset_edited_after_reading_counts_lines_from_the_block_again()
    {
        var notebook = NotebookFormat.Parse("---\ntitle: t\n---\n\n## Zero-shot: c\n\n```input\n{{word}}\n```\n\n```dataset\nword,expected\nok,x\n```\n");
        var cell = (PromptCell)notebook.Cells[0];
        Assert.Equal(12, cell.DatasetLine);

        cell.Dataset = "word,expected\nok,x\nbad";

        var e = Assert.Throws<DatasetException>(() => DatasetEvaluator.Plan(new EvaluationRequest(notebook, cell, "tiny")));
        Assert.Null(cell.DatasetLine);
        Assert.StartsWith("cell 'c' ```dataset block line 3: the row has 1 field", e.Message);
    }

    [Fact]
    public void Choices_are_scored_with_a_space_before_them_unless_the_prompt_ends_in_whitespace()
    {
        Assert.Equal(" positive", DatasetEvaluator.ContinuationOf("Sentiment:", "positive"));
        Assert.Equal("positive", DatasetEvaluator.ContinuationOf("Sentiment:\n", "positive"));
        Assert.Equal(" positive", DatasetEvaluator.ContinuationOf("Sentiment:", " positive"));
    }

    sealed class SyncProgress(Action<RowResult> report) : IProgress<RowResult>
    {
        public void Report(RowResult value) => report(value);
    }
}
