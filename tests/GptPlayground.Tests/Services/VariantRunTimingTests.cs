using GptPlayground.Decoding;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Serving;
using GptPlayground.Services;
using GptPlayground.Tests.Cli;
using GptPlayground.Tests.Web;

namespace GptPlayground.Tests.Services;

/// <summary>Load, prefill and decode shown apart (issue 14, bug 8), in a notebook column and in <c>generate</c>.</summary>
public class VariantRunTimingTests(WebModels models) : IClassFixture<WebModels>
{
    static readonly DecodingSettings Twenty = new() { MaxNewTokens = 20, MinNewTokens = 20 };

    static async Task<(VariantRun Run, List<string> Statuses)> Run(GenerationRunner runner, DecodingSettings settings)
    {
        var run = new VariantRun("v", "");
        List<string> statuses = [];
        await run.RunAsync(runner, new RunRequest("tiny", [1, 2, 3], settings), () => { lock (statuses) statuses.Add(run.Status); return Task.CompletedTask; }, CancellationToken.None);
        return (run, statuses);
    }

    [Fact]
    public async Task The_first_run_after_start_shows_the_model_load_apart_from_prefill_and_decode()
    {
        using var catalog = new ModelCatalog(models.Directory);   // nothing loaded yet, as after a start
        var runner = new GenerationRunner(catalog, new GenerationQueue(), new PlaygroundSession());

        var (first, _) = await Run(runner, Twenty);
        var (second, _) = await Run(runner, Twenty);

        Assert.NotNull(first.Load);
        Assert.Contains("load ", first.Status);
        Assert.Contains("prefill ", first.Status);
        Assert.Contains("tokens/s", first.Status);
        // the engine's prefill and decode exclude the load: together they fit in what was left of the run's wall time
        Assert.True(first.Stats.Prefill + first.Stats.Decode <= first.Elapsed - first.Load!.Value,
            $"prefill {first.Stats.Prefill} + decode {first.Stats.Decode} > elapsed {first.Elapsed} - load {first.Load}");
        Assert.Null(second.Load);
        Assert.DoesNotContain("load ", second.Status);
    }

    [Fact]
    public async Task A_running_beam_search_column_says_it_is_searching_not_loading()
    {
        using var catalog = new ModelCatalog(models.Directory);
        var runner = new GenerationRunner(catalog, new GenerationQueue(), new PlaygroundSession());
        await Run(runner, Twenty);   // the model is loaded: nothing left to load

        var (beam, statuses) = await Run(runner, Twenty with { NumBeams = 3 });

        Assert.Contains("searching (beam search)…", statuses);
        Assert.DoesNotContain(statuses, s => s.Contains("loading"));
        Assert.Null(beam.Error);
    }

    [Fact]
    public async Task Generate_of_two_tokens_gives_no_decode_rate_for_its_single_decode_step()
    {
        var r = await CliRunner.Run("generate", "--models", models.Directory, "--model", "tiny", "--prompt", "Hello", "--max-new-tokens", "2", "--min-new-tokens", "2");

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("decode 1 step in ", r.Error);
        Assert.DoesNotContain("tokens/s", r.Error);
        Assert.Contains("load ", r.Error);
        Assert.Contains("prefill ", r.Error);
    }
}
