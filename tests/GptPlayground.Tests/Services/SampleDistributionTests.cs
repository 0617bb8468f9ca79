using GptPlayground.Decoding;
using GptPlayground.Inference.Generation;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Serving;
using GptPlayground.Notebooks;
using GptPlayground.Services;
using GptPlayground.Tests.Web;

namespace GptPlayground.Tests.Services;

/// <summary>
/// The N-sample distribution: normalizations, grouping, shares and entropy; and a run of N samples (one batched
/// request) gives the same answers as sampling the same seed's streams one by one.
/// </summary>
public class SampleDistributionTests(WebModels models) : IClassFixture<WebModels>
{
    [Theory]
    [InlineData(AnswerNormalization.Exact, " Paris\n", " Paris\n")]
    [InlineData(AnswerNormalization.Trimmed, " Paris\n", "Paris")]
    [InlineData(AnswerNormalization.CaseFolded, " PaRis\n", "paris")]
    [InlineData(AnswerNormalization.FirstLine, "\n  Paris.  \nIt is the capital", "Paris.")]
    [InlineData(AnswerNormalization.FirstLine, " \n \n", "")]
    public void Normalization_makes_the_key(AnswerNormalization normalization, string text, string key) =>
        Assert.Equal(key, normalization.Normalize(text));

    [Theory]
    [InlineData("exact", AnswerNormalization.Exact)]
    [InlineData("Case-Folded", AnswerNormalization.CaseFolded)]
    [InlineData("first-line", AnswerNormalization.FirstLine)]
    public void Normalizations_parse_by_name(string name, AnswerNormalization expected) =>
        Assert.Equal(expected, AnswerNormalizations.Parse(name));

    [Fact]
    public void An_unknown_normalization_names_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => AnswerNormalizations.Parse("fuzzy"));
        Assert.Contains("exact, trimmed, case-folded, first-line", e.Message);
    }

    [Fact]
    public void Groups_count_share_and_order_by_count_then_first_appearance()
    {
        SampledAnswer[] samples = [new(" Paris", -1), new("Rome", -2), new("paris", -3), new("Paris ", -0.5), new("Oslo", -4)];

        var d = SampleDistribution.From(samples, AnswerNormalization.CaseFolded);

        Assert.Equal(5, d.Total);
        Assert.Equal(["paris", "rome", "oslo"], d.Groups.Select(g => g.Answer));
        Assert.Equal([3, 1, 1], d.Groups.Select(g => g.Count));
        Assert.Equal([0, 2, 3], d.Groups[0].Samples);
        Assert.Equal(0.6, d.Groups[0].Share, 12);
        Assert.Equal(" Paris", d.Groups[0].Text);
        Assert.Equal(-1, d.Groups[0].Logprob);
        // H = -(0.6 log2 0.6 + 2 * 0.2 log2 0.2)
        Assert.Equal(-(0.6 * Math.Log2(0.6) + 0.4 * Math.Log2(0.2)), d.EntropyBits, 12);
    }

    [Fact]
    public void Entropy_is_zero_when_all_agree_and_log2_n_when_all_differ()
    {
        Assert.Equal(0, SampleDistribution.From([new("a", null), new("a ", null)], AnswerNormalization.Trimmed).EntropyBits);
        Assert.Equal(2, SampleDistribution.From([new("a", null), new("b", null), new("c", null), new("d", null)], AnswerNormalization.Exact).EntropyBits, 12);
    }

    static Notebook Notebook(DecodingSettings sampled) => new()
    {
        Model = "tiny",
        Decoding = new DecodingSettings { MaxNewTokens = 3 },
        Cells =
        [
            new ZeroShotCell
            {
                Name = "answer",
                Input = "The capital is",
                Variants = [new DecodingVariant("greedy", new DecodingSettings()), new DecodingVariant("sampled", sampled)],
            },
        ],
    };

    [Fact]
    public async Task N_samples_in_one_batch_match_the_seed_streams_sampled_one_by_one()
    {
        const int n = 40;
        const ulong seed = 11;
        var notebook = Notebook(new DecodingSettings { DoSample = true, Temperature = 0.6, TopK = 8, Seed = seed });
        var cell = notebook.PromptCells.Single();
        using var catalog = new ModelCatalog(models.Directory);
        var runner = new CellRunner(new GenerationRunner(catalog, new GenerationQueue(), new PlaygroundSession()), catalog);
        var run = new SampleDistributionRun { Samples = n, Normalization = AnswerNormalization.Exact };

        await run.RunAsync(runner, new CellRunRequest(notebook, cell, "tiny"), () => Task.CompletedTask, CancellationToken.None);
        var batched = run.Distribution;

        Assert.Null(run.Error);
        Assert.NotNull(batched);
        Assert.Equal("sampled", run.Run!.Name);
        Assert.Equal(seed, run.Run.Seed);
        // one by one: sample k of a request with seed s draws from stream k of s (SamplerChain.For(..., stream: k)),
        // so a one-sequence request whose random selector is stream k gives sample k
        var prepared = await runner.PrepareAsync(new CellRunRequest(notebook, cell, "tiny"));
        var settings = prepared.Variants.Single(v => v.Name == "sampled").Settings with { NumReturnSequences = 1 };
        var model = await catalog.GetAsync("tiny");
        var single = Enumerable.Range(0, n).Select(k =>
        {
            var options = new GenerationOptions { SelectorFor = _ => new RandomSelector(Xoshiro256.ForStream(seed, k)) };
            var sequence = TextGenerator.Complete(model, [prepared.PromptIds], settings, options).Sequences.Single();
            return new SampledAnswer(sequence.Text, sequence.Steps.Sum(s => (double)s.Logprob));
        }).ToList();
        var oneByOne = SampleDistribution.From(single, AnswerNormalization.Exact);

        Assert.Equal(oneByOne.Groups.Select(g => (g.Answer, g.Count, g.Samples)), batched.Groups.Select(g => (g.Answer, g.Count, g.Samples)));
        Assert.Equal(oneByOne.Groups.Select(g => Math.Round(g.Logprob!.Value, 3)), batched.Groups.Select(g => Math.Round(g.Logprob!.Value, 3)));
        Assert.Equal(oneByOne.EntropyBits, batched.EntropyBits, 12);
        Assert.True(batched.Groups.Count > 1, "a sampled variant of a random-weight model should not always say the same");
    }

    [Fact]
    public async Task A_greedy_only_cell_has_no_distribution_and_says_why()
    {
        var notebook = Notebook(new DecodingSettings { NumBeams = 2 });
        using var catalog = new ModelCatalog(models.Directory);
        var runner = new CellRunner(new GenerationRunner(catalog, new GenerationQueue(), new PlaygroundSession()), catalog);
        var run = new SampleDistributionRun();

        await run.RunAsync(runner, new CellRunRequest(notebook, notebook.PromptCells.Single(), "tiny"), () => Task.CompletedTask, CancellationToken.None);

        Assert.Null(run.Distribution);
        Assert.Contains("no variant samples", run.Error);
    }
}
