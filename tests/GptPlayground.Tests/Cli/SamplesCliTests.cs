using System.Text.Json;
using GptPlayground.Decoding;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Serving;
using GptPlayground.Notebooks;
using GptPlayground.Services;
using GptPlayground.Tests.Web;

namespace GptPlayground.Tests.Cli;

/// <summary><c>run --samples N --json</c>: each sampling variant's N outputs grouped into answers, as the UI's distribution groups them.</summary>
public class SamplesCliTests(WebModels models) : IClassFixture<WebModels>
{
    static Notebook Notebook() => new()
    {
        Model = "tiny",
        Decoding = new DecodingSettings { MaxNewTokens = 2 },
        Cells =
        [
            new ZeroShotCell
            {
                Name = "answer",
                Input = "The capital is",
                Variants = [new DecodingVariant("greedy", new DecodingSettings()), new DecodingVariant("sampled", new DecodingSettings { DoSample = true, Temperature = 0.7, Seed = 9 })],
            },
        ],
    };

    [Fact]
    public async Task Run_with_samples_gives_the_groups_of_each_sampling_variant()
    {
        var path = Path.Combine(Path.GetTempPath(), "gptplayground-samples-" + Guid.NewGuid().ToString("N")[..8] + ".md");
        File.WriteAllText(path, NotebookFormat.Write(Notebook(), keepOutputs: false));
        try
        {
            var r = await CliRunner.Run("run", path, "--models", models.Directory, "--json", "--samples", "25", "--normalize", "first-line");

            Assert.True(r.ExitCode == 0, r.Error);
            var runs = JsonDocument.Parse(r.Out).RootElement.GetProperty("runs").EnumerateArray().ToList();
            Assert.False(runs.Single(x => x.GetProperty("variant").GetString() == "greedy").TryGetProperty("distribution", out _));
            var d = runs.Single(x => x.GetProperty("variant").GetString() == "sampled").GetProperty("distribution");
            Assert.Equal("first-line", d.GetProperty("normalization").GetString());
            Assert.Equal(25, d.GetProperty("total").GetInt32());
            var groups = d.GetProperty("groups").EnumerateArray().Select(g => (g.GetProperty("answer").GetString()!, g.GetProperty("count").GetInt32())).ToList();
            Assert.Equal(25, groups.Sum(g => g.Item2));
            Assert.True(d.GetProperty("entropy_bits").GetDouble() >= 0);

            // the UI's distribution of the same variant, seed and N groups alike
            using var catalog = new ModelCatalog(models.Directory);
            var runner = new CellRunner(new GenerationRunner(catalog, new GenerationQueue(), new PlaygroundSession()), catalog);
            var notebook = Notebook();
            var ui = new SampleDistributionRun { Samples = 25, Normalization = AnswerNormalization.FirstLine, Variant = "sampled" };
            await ui.RunAsync(runner, new CellRunRequest(notebook, notebook.PromptCells.Single(), "tiny"), () => Task.CompletedTask, CancellationToken.None);
            Assert.Equal(ui.Distribution!.Groups.Select(g => (g.Answer, g.Count)), groups);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("--samples", "0")]
    [InlineData("--samples", "100000")]
    [InlineData("--normalize", "fuzzy")]
    public async Task Bad_samples_or_normalization_exit_2_with_one_line(string flag, string value)
    {
        var r = await CliRunner.Run("run", "/no/such/notebook.md", flag, value);

        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Error.TrimEnd().Split('\n'));
        Assert.Contains(flag, r.Error);
    }
}
