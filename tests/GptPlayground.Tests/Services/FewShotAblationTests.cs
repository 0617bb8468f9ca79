using GptPlayground.Decoding;
using GptPlayground.Evaluation;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Serving;
using GptPlayground.Notebooks;
using GptPlayground.Services;

namespace GptPlayground.Tests.Services;

/// <summary>The few-shot ablation engine as a front end calls it: checked first, progress up to the total, one evaluation per distinct prompt.</summary>
public sealed class FewShotAblationTests : IDisposable
{
    readonly ModelCatalog catalog = new(Path.Combine(PlaygroundPaths.RepositoryRoot ?? throw new InvalidOperationException("no checkout"), "models"));
    readonly PlaygroundSession session = new();

    public void Dispose()
    {
        session.Dispose();
        catalog.Dispose();
    }

    FewShotAblation Ablation()
    {
        var generation = new GenerationRunner(catalog, new GenerationQueue(), session);
        return new FewShotAblation(new DatasetEvaluator(new CellRunner(generation, catalog), generation));
    }

    static (Notebook, FewShotCell) Cell(params bool[] enabled)
    {
        var cell = new FewShotCell
        {
            Name = "Reverse",
            Separator = "\n",
            Template = "Input: {{input}}\nOutput: {{output}}",
            Examples = enabled.Select((on, i) => new FewShotExample($"{i} 1 2", $"2 1 {i}", on)).ToList(),
            Query = "{{input}}",
            Dataset = "input,expected\n3 8 9,9 8 3\n5 9 2 7,7 2 9 5\n8 4,4 8",
        };
        return (new Notebook { Decoding = new DecodingSettings { MaxNewTokens = 8, Stop = ["\n"] }, Cells = [cell] }, cell);
    }

    [Fact]
    public async Task Progress_counts_every_row_of_every_distinct_prompt_and_off_examples_are_never_used()
    {
        var (notebook, cell) = Cell(true, false, true, true);
        var plan = FewShotAblation.Plan(new AblationRequest(notebook, cell, "playground-mini") { Repeats = 3, Seed = 2 });
        var reported = new List<AblationProgress>();

        var result = await Ablation().RunAsync(plan, new SyncProgress<AblationProgress>(p => { lock (reported) reported.Add(p); }));

        Assert.Equal([0, 2, 3], plan.Enabled);
        int distinct = plan.Configurations.Count;
        Assert.Equal(distinct * 3, reported.Max(p => p.Done));
        Assert.Equal(distinct, reported.Max(p => p.Configurations));
        Assert.All(reported, p => Assert.Equal(distinct * 3, p.Total));
        Assert.DoesNotContain(1, result.Curve.SelectMany(k => k.Subsets).Concat(result.Order.Orders).SelectMany(s => s.Examples));
        Assert.Equal([0, 2, 3], result.LeaveOneOut.Select(l => l.Example));
        Assert.All(result.LeaveOneOut, l => Assert.Equal(result.Full.Accuracy - l.Without.Accuracy, l.Delta, 9));
        Assert.Equal(result.Full, result.Curve[^1].Subsets.Single());
    }

    [Fact]
    public async Task Cancelling_stops_the_ablation()
    {
        var (notebook, cell) = Cell(true, true, true, true);
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Ablation().RunAsync(new AblationRequest(notebook, cell, "playground-mini") { Repeats = 50 },
            new SyncProgress<AblationProgress>(p => { if (p.Done >= 5) cts.Cancel(); }), cts.Token));
    }

    [Theory]
    [InlineData("off", "cell 'Reverse' has no enabled examples (2 in all): add an example, or switch one on")]
    [InlineData("repeats", "repeats (=101) must be between 1 and 100")]
    [InlineData("seed", "seed (=-3) must be 0 or more")]
    [InlineData("no-expected", "cell 'Reverse' ```dataset block has no 'expected' column (columns: input, answer)")]
    public void Bad_requests_are_refused_before_anything_runs(string problem, string message)
    {
        var (notebook, cell) = Cell(true, true);
        var request = new AblationRequest(notebook, cell, "playground-mini");
        switch (problem)
        {
            case "off": cell.Examples.ForEach(e => e.Enabled = false); break;
            case "repeats": request = request with { Repeats = 101 }; break;
            case "seed": request = request with { Seed = -3 }; break;
            case "no-expected": cell.Dataset = "input,answer\n1 2,2 1"; break;
        }

        var e = Assert.Throws<ArgumentException>(() => FewShotAblation.Plan(request));

        Assert.StartsWith(message, e.Message);
    }

    sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
