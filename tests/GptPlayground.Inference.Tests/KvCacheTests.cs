using GptPlayground.Decoding;
using GptPlayground.Inference.Generation;

namespace GptPlayground.Inference.Tests;

public class KvCacheTests
{
    public static TheoryData<string> Layouts() => new(TestModels.Variants.Keys.Where(k => k != "short-context"));

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Cached_decoding_gives_the_logits_of_a_full_pass(string variant)
    {
        var model = TestModels.Model(variant);
        float tolerance = variant.Contains("fp16") ? 2e-2f : 1e-4f;
        var prompt = TestModels.RandomIds(6, seed: 1);
        using var generator = new Generator(model);

        generator.AppendTokens(prompt);
        var sequence = new List<int>(prompt);
        for (int step = 0; step < 8; step++)
        {
            var cached = generator.GetLogits().ToArray();
            var full = Reference.FullPassLogits(model, sequence);
            Assert.True(Reference.MaxAbsDifference(cached, full) <= tolerance, $"step {step}: max |cached - full| = {Reference.MaxAbsDifference(cached, full)}");
            int next = GreedySelector.ArgMax(cached);
            sequence.Add(next);
            generator.AppendTokens([next]);
        }
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Greedy_generation_equals_a_full_recompute_loop(string variant)
    {
        var model = TestModels.Model(variant);
        var prompt = TestModels.RandomIds(5, seed: 2);

        var result = TextGenerator.Complete(model, [prompt], new DecodingSettings { MaxNewTokens = 10 }, new GenerationOptions { StopAtEos = false });

        Assert.Equal(Reference.GreedyFullRecompute(model, prompt, 10), result.Sequences[0].Tokens);
    }

    [Fact]
    public void Synthetic_model_does_not_repeat_one_token_forever()
    {
        var model = TestModels.Model("optimum-fp32");

        var tokens = TextGenerator.Complete(model, [TestModels.RandomIds(4, seed: 3)], new DecodingSettings { MaxNewTokens = 12 }, new GenerationOptions { StopAtEos = false }).Sequences[0].Tokens;

        Assert.True(tokens.Distinct().Count() > 2, "greedy output: " + string.Join(",", tokens));
    }

    [Fact]
    public void Rewind_then_append_gives_the_same_logits_again()
    {
        var model = TestModels.Model("optimum-fp32");
        using var generator = new Generator(model);
        generator.AppendTokens(TestModels.RandomIds(5, seed: 4));
        generator.AppendTokens([11]);
        generator.AppendTokens([12]);
        var before = generator.GetLogits().ToArray();

        generator.Rewind(2);
        Assert.Equal(5, generator.Length);
        Assert.Throws<InvalidOperationException>(() => generator.GetLogits().ToArray());
        generator.AppendTokens([11]);
        generator.AppendTokens([12]);

        Assert.True(Reference.MaxAbsDifference(before, generator.GetLogits()) <= 1e-5f);
    }

    [Fact]
    public void Rewind_beyond_the_held_tokens_is_refused()
    {
        var model = TestModels.Model("optimum-fp32");
        using var generator = new Generator(model);
        generator.AppendTokens([1, 2, 3]);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => generator.Rewind(4));
        Assert.Contains("rewind count (=4)", e.Message);
    }
}
