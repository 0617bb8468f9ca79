using GptPlayground.Decoding;
using GptPlayground.Inference.Generation;

namespace GptPlayground.Inference.Tests;

public class BatchTests
{
    [Theory]
    [InlineData("optimum-fp32")]
    [InlineData("int32-inputs")]
    [InlineData("gqa")]
    [InlineData("merged")]
    [InlineData("stacked")]
    public void Left_padded_batch_of_two_equals_each_prompt_alone(string variant)
    {
        var model = TestModels.Model(variant);
        var shortPrompt = TestModels.RandomIds(3, seed: 10);
        var longPrompt = TestModels.RandomIds(9, seed: 11);
        var settings = new DecodingSettings { MaxNewTokens = 8 };
        var options = new GenerationOptions { StopAtEos = false };

        var batch = TextGenerator.Complete(model, [shortPrompt, longPrompt], settings, options);
        var aloneShort = TextGenerator.Complete(model, [shortPrompt], settings, options);
        var aloneLong = TextGenerator.Complete(model, [longPrompt], settings, options);

        Assert.Equal(aloneShort.Sequences[0].Tokens, batch.Sequences[0].Tokens);
        Assert.Equal(aloneLong.Sequences[0].Tokens, batch.Sequences[1].Tokens);
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(aloneShort.Sequences[0].Steps[i].Logprob, batch.Sequences[0].Steps[i].Logprob, 3);
            Assert.Equal(aloneLong.Sequences[0].Steps[i].Logprob, batch.Sequences[1].Steps[i].Logprob, 3);
        }
    }

    [Fact]
    public void Left_padded_batch_logits_match_single_sequence_logits()
    {
        var model = TestModels.Model("optimum-fp32");
        var a = TestModels.RandomIds(2, seed: 12);
        var b = TestModels.RandomIds(7, seed: 13);
        using var batch = new Generator(model, 2);

        batch.AppendTokens([a, b]);
        batch.AppendTokens([[5], [6]]);

        Assert.True(Reference.MaxAbsDifference(batch.GetLogits(0), Reference.FullPassLogits(model, [.. a, 5])) <= 1e-4f);
        Assert.True(Reference.MaxAbsDifference(batch.GetLogits(1), Reference.FullPassLogits(model, [.. b, 6])) <= 1e-4f);
    }

    [Fact]
    public void A_sequence_that_finishes_early_stops_while_the_other_goes_on()
    {
        var model = TestModels.Model("optimum-fp32");
        var eos = model.EosTokenIds[0];
        // sequence 0 chooses EOS at once; sequence 1 decodes greedily
        Func<int, ITokenSelector> selectors = i => i == 0 ? new FixedSelector(eos) : GreedySelector.Instance;

        var result = TextGenerator.Complete(model, [[1, 2], [3, 4, 5]], new DecodingSettings { MaxNewTokens = 5 }, new GenerationOptions { SelectorFor = selectors });

        Assert.Equal([eos], result.Sequences[0].Tokens);
        Assert.Equal(FinishReason.Eos, result.Sequences[0].Finish);
        Assert.Equal(5, result.Sequences[1].Tokens.Length);
    }

    [Fact]
    public void Later_appends_must_give_every_sequence_the_same_number_of_tokens()
    {
        var model = TestModels.Model("optimum-fp32");
        using var generator = new Generator(model, 2);
        generator.AppendTokens([[1], [2, 3]]);

        var e = Assert.Throws<ArgumentException>(() => generator.AppendTokens([[1], [2, 3]]));
        Assert.Contains("same number of tokens", e.Message);
    }
}

/// <summary>A selector that always returns one token.</summary>
public sealed class FixedSelector(int token) : ITokenSelector
{
    public int Select(ReadOnlySpan<float> scores) => token;
}
