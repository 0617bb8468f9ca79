using GptPlayground.Decoding;
using GptPlayground.Inference.Generation;
using Xunit.Abstractions;

namespace GptPlayground.Inference.Tests.Generation;

public class PromptScorerTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("optimum-fp32")]
    [InlineData("optimum-fp16")]
    [InlineData("stacked")]
    public void Perplexity_equals_exp_mean_nll_of_cache_free_full_passes(string variant)
    {
        var model = TestModels.Model(variant);
        var tokens = model.Encode("The quick brown fox jumps over the lazy dog, again and again.");

        var score = PromptScorer.Score(model, tokens, topLogprobs: 3);

        double nll = 0;
        for (int t = 1; t < tokens.Length; t++)
        {
            var logits = Reference.FullPassLogits(model, tokens[..t]);
            double max = logits.Max();
            double lse = max + Math.Log(logits.Sum(x => Math.Exp(x - max)));
            double logprob = logits[tokens[t]] - lse;
            Assert.Equal(logprob, score.Tokens[t].Logprob!.Value, 3);
            nll -= logprob;
        }
        double expected = Math.Exp(nll / (tokens.Length - 1));
        output.WriteLine($"{variant}: {tokens.Length} tokens, perplexity {score.Perplexity:F6} vs full passes {expected:F6} (relative difference {Math.Abs(score.Perplexity / expected - 1):E2})");
        Assert.Equal(1.0, score.Perplexity / expected, 4);
        Assert.Null(score.Tokens[0].Logprob);
        Assert.Equal(3, score.Tokens[1].TopLogprobs.Count);
        Assert.Equal(Math.Exp(score.MeanNll), score.Perplexity, 9);
    }

    [Fact]
    public void Perplexity_of_a_greedy_continuation_is_its_own_logprobs()
    {
        var model = TestModels.Model("optimum-fp32");
        int[] prompt = [1, 2, 3];
        var generated = TextGenerator.Complete(model, [prompt], new DecodingSettings { MaxNewTokens = 6 }, new GenerationOptions { StopAtEos = false }).Sequences[0];

        var score = PromptScorer.Score(model, [.. prompt, .. generated.Tokens]);

        for (int i = 0; i < generated.Tokens.Length; i++)
            Assert.Equal(generated.Steps[i].Logprob, score.Tokens[prompt.Length + i].Logprob!.Value, 3);
    }

    [Fact]
    public void A_single_token_cannot_be_scored()
    {
        var e = Assert.Throws<ArgumentException>(() => PromptScorer.Score(TestModels.Model("optimum-fp32"), [5]));

        Assert.Contains("at least 2 tokens", e.Message);
    }
}
