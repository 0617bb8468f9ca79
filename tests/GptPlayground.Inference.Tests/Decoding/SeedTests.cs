using GptPlayground.Decoding;
using GptPlayground.Inference.Generation;

namespace GptPlayground.Inference.Tests.Decoding;

public class SeedTests
{
    static readonly DecodingSettings Sampling = new() { DoSample = true, Temperature = 1.5, TopK = 0, MaxNewTokens = 24, NumReturnSequences = 3, Seed = 42 };

    static int[][] Tokens(GenerationResult r) => r.Sequences.Select(s => s.Tokens).ToArray();

    [Fact]
    public void SplitMix64_and_xoshiro_match_the_reference_outputs()
    {
        ulong state = 0;
        Assert.Equal(0xE220A8397B1DCDAFUL, Xoshiro256.SplitMix64(ref state));
        var a = Xoshiro256.ForStream(7, 2);
        var b = new Xoshiro256(7); b.Jump(); b.Jump();
        Assert.Equal(b.NextUInt64(), a.NextUInt64());
    }

    [Fact]
    public void Same_seed_gives_the_same_tokens_run_after_run()
    {
        var model = TestModels.Model("optimum-fp32");

        var first = TextGenerator.Complete(model, [[1, 2, 3]], Sampling);
        var second = TextGenerator.Complete(model, [[1, 2, 3]], Sampling);

        Assert.Equal(Tokens(first), Tokens(second));
        Assert.Equal(42UL, first.Settings!.Seed);
    }

    [Fact]
    public void Sequences_of_one_request_draw_from_independent_streams()
    {
        var model = TestModels.Model("optimum-fp32");

        var tokens = Tokens(TextGenerator.Complete(model, [[1, 2, 3]], Sampling));

        Assert.Equal(3, tokens.Length);
        Assert.Equal(3, tokens.Select(t => string.Join(",", t)).Distinct().Count());
        Assert.All(TextGenerator.Complete(model, [[1, 2, 3]], Sampling).Sequences.Select(s => s.Prompt), p => Assert.Equal(0, p));
    }

    [Fact]
    public void Another_seed_gives_other_tokens()
    {
        var model = TestModels.Model("optimum-fp32");

        var a = Tokens(TextGenerator.Complete(model, [[1, 2, 3]], Sampling));
        var b = Tokens(TextGenerator.Complete(model, [[1, 2, 3]], Sampling with { Seed = 43 }));

        Assert.NotEqual(a[0], b[0]);
    }

    [Fact]
    public async Task Seeded_run_is_unaffected_by_other_generations_running_at_the_same_time()
    {
        var model = TestModels.Model("optimum-fp32");
        var alone = Tokens(TextGenerator.Complete(model, [[1, 2, 3]], Sampling));

        var others = Enumerable.Range(0, 3).Select(i => Task.Run(() =>
            TextGenerator.Complete(model, [[4, 5, 6, 7]], Sampling with { Seed = (ulong)i, MaxNewTokens = 40 }))).ToArray();
        var during = await Task.Run(() => Tokens(TextGenerator.Complete(model, [[1, 2, 3]], Sampling)));
        await Task.WhenAll(others);

        Assert.Equal(alone, during);
    }

    [Fact]
    public void Unset_seed_is_drawn_fresh_and_reported()
    {
        var model = TestModels.Model("optimum-fp32");

        var result = TextGenerator.Complete(model, [[1, 2, 3]], Sampling with { Seed = null, NumReturnSequences = 1 });
        var replay = TextGenerator.Complete(model, [[1, 2, 3]], result.Settings!);

        Assert.NotNull(result.Settings!.Seed);
        Assert.Equal(Tokens(result), Tokens(replay));
    }
}
