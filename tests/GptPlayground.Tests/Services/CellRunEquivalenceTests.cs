using GptPlayground.Components.Cells;
using GptPlayground.Decoding;
using GptPlayground.Notebooks;
using GptPlayground.Tests.Cli;
using GptPlayground.Tests.Web;
using GptPlayground.Tests.Components;

namespace GptPlayground.Tests.Services;

/// <summary>
/// The UI's Run cell and the <c>run</c> verb go through the same cell runner: for the same notebook, seed and settings
/// they keep the same <see cref="CellOutput"/>s (text, tokens, finish, seed; time and tokens/s are measured, rounded alike).
/// </summary>
public class CellRunEquivalenceTests(WebModels models) : IClassFixture<WebModels>
{
    static Notebook Notebook() => new()
    {
        Model = "tiny",
        Decoding = new DecodingSettings { MaxNewTokens = 8 },
        Cells =
        [
            new ZeroShotCell
            {
                Name = "story",
                Instruction = "Continue.",
                Input = "Once upon a time",
                Variants =
                [
                    new DecodingVariant("greedy", new DecodingSettings { RepetitionPenalty = 1.2 }),
                    new DecodingVariant("sampled", new DecodingSettings { DoSample = true, Temperature = 0.8, TopP = 0.9, Seed = 7 }),
                    new DecodingVariant("beams", new DecodingSettings { NumBeams = 2 }),
                ],
            },
            new FewShotCell
            {
                Name = "reverse",
                Examples = [new FewShotExample("a b", "b a")],
                Query = "c d",
            },
        ],
    };

    [Fact]
    public async Task Run_cell_in_the_UI_and_the_run_verb_keep_identical_outputs()
    {
        var dir = Path.Combine(Path.GetTempPath(), "gptplayground-equivalence-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "nb.md");
        var outPath = Path.Combine(dir, "out.md");
        File.WriteAllText(path, NotebookFormat.Write(Notebook(), keepOutputs: false));

        var cli = await CliRunner.Run("run", path, "--models", models.Directory, "--out", outPath);
        Assert.True(cli.ExitCode == 0, cli.Error);
        var fromCli = NotebookFormat.Parse(File.ReadAllText(outPath)).PromptCells.ToList();

        using var ctx = new ComponentContext();
        ctx.WithPlayground(models.Directory);
        var notebook = NotebookFormat.Parse(File.ReadAllText(path));
        foreach (var cell in notebook.PromptCells)
        {
            var cut = ctx.Render<PromptCellView>(p => p.Add(x => x.Notebook, notebook).Add(x => x.Cell, cell).Add(x => x.Models, ["tiny"]));
            cut.Find("button[aria-label='Run cell']").Click();
            cut.WaitForState(() => !cut.Instance.Running && cell.Outputs.Count == CellRunnerVariants(cell), TimeSpan.FromSeconds(60));
        }
        var fromUi = notebook.PromptCells.ToList();

        Assert.Equal(fromCli.Count, fromUi.Count);
        for (int c = 0; c < fromUi.Count; c++)
        {
            Assert.Equal(Comparable(fromCli[c].Outputs), Comparable(fromUi[c].Outputs));
            foreach (var output in fromCli[c].Outputs.Concat(fromUi[c].Outputs))
            {
                Assert.Equal(Math.Round(output.TimeMs!.Value, 1), output.TimeMs);
                Assert.Equal(Math.Round(output.TokensPerSecond!.Value, 1), output.TokensPerSecond);
            }
        }
        Assert.Equal(7ul, fromUi[0].Outputs.Single(o => o.Variant == "sampled").Seed);
        Assert.Null(fromUi[0].Outputs.Single(o => o.Variant == "greedy").Seed);
        Directory.Delete(dir, recursive: true);
    }

    static int CellRunnerVariants(PromptCell cell) => Math.Max(1, cell.Variants.Count);

    static List<(string, string, int?, string?, ulong?)> Comparable(IEnumerable<CellOutput> outputs) =>
        outputs.Select(o => (o.Variant, o.Text, o.Tokens, o.Finish, o.Seed)).ToList();
}
