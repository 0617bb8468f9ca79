using GptPlayground.Decoding;
using GptPlayground.Inference.Generation;

namespace GptPlayground.Inference.Tests;

public class GenerationTests
{
    static readonly DecodingSettings Six = new() { MaxNewTokens = 6 };
    static readonly GenerationOptions NoEos = new() { StopAtEos = false };

    [Fact]
    public void Generation_stops_at_max_new_tokens_with_finish_reason_length()
    {
        var result = TextGenerator.Complete(TestModels.Model("optimum-fp32"), [[1, 2, 3]], Six, NoEos);

        Assert.Equal(6, result.Sequences[0].Tokens.Length);
        Assert.Equal(FinishReason.Length, result.Sequences[0].Finish);
        Assert.Equal(5, result.Stats.DecodeSteps);   // the last token is never fed back
    }

    [Fact]
    public void Generation_stops_at_eos_and_keeps_the_eos_token()
    {
        var model = TestModels.Model("optimum-fp32");
        int eos = model.EosTokenIds[0];

        var result = TextGenerator.Complete(model, [[1, 2, 3]], new DecodingSettings { MaxNewTokens = 6 }, new GenerationOptions { SelectorFor = _ => new FixedSelector(eos) });

        Assert.Equal([eos], result.Sequences[0].Tokens);
        Assert.Equal(FinishReason.Eos, result.Sequences[0].Finish);
        Assert.Equal("", result.Sequences[0].Text);   // special tokens are not part of the text
    }

    [Fact]
    public void Generation_stops_before_exceeding_the_context_length()
    {
        var model = TestModels.Model("short-context");   // context 16
        var result = TextGenerator.Complete(model, [TestModels.RandomIds(10, seed: 5)], new DecodingSettings { MaxNewTokens = 16 }, new GenerationOptions { StopAtEos = false });

        Assert.Equal(6, result.Sequences[0].Tokens.Length);   // 10 + 6 = 16 tokens in all
        Assert.Equal(FinishReason.Context, result.Sequences[0].Finish);
    }

    [Fact]
    public void A_prompt_that_fills_the_context_is_refused_with_the_numbers()
    {
        var model = TestModels.Model("short-context");

        var e = Assert.Throws<ModelException>(() => TextGenerator.Complete(model, [TestModels.RandomIds(16, seed: 5)], Six, NoEos));
        Assert.Contains("16 tokens", e.Message);
        Assert.Contains("context length is 16", e.Message);
    }

    [Fact]
    public void Logprobs_are_the_log_softmax_of_the_raw_logits()
    {
        var model = TestModels.Model("optimum-fp32");
        var prompt = new[] { 4, 5, 6 };

        var step = TextGenerator.Complete(model, [prompt], new DecodingSettings { MaxNewTokens = 1 }, new GenerationOptions { TopLogprobs = 5 }).Sequences[0].Steps[0];

        var logits = Reference.FullPassLogits(model, prompt);
        double logSumExp = Math.Log(logits.Sum(x => Math.Exp(x)));
        Assert.Equal(logits[step.Token] - logSumExp, step.Logprob, 4);
        Assert.Equal(5, step.TopLogprobs.Count);
        Assert.Equal(step.Token, step.TopLogprobs[0].Token);   // greedy picks the most probable
        Assert.True(step.TopLogprobs.Zip(step.TopLogprobs.Skip(1)).All(p => p.First.Logprob >= p.Second.Logprob));
        var expectedTop = logits.Select((x, i) => (x, i)).OrderByDescending(p => p.x).Take(5).Select(p => p.i);
        Assert.Equal(expectedTop, step.TopLogprobs.Select(t => t.Token));
    }

    [Fact]
    public void Streamed_text_deltas_concatenate_to_the_decoded_output()
    {
        var model = TestModels.Model("optimum-fp32");
        var prompt = model.Encode("Hello, wor");

        var result = TextGenerator.Complete(model, [prompt], new DecodingSettings { MaxNewTokens = 20 }, new GenerationOptions { StopAtEos = false });

        var expected = model.Tokenizer!.Decode(result.Sequences[0].Tokens, skipSpecialTokens: true);
        Assert.Equal(expected, result.Sequences[0].Text);
    }

    [Fact]
    public async Task Cancelling_stops_generation_within_one_step()
    {
        var model = TestModels.Model("optimum-fp32");
        using var cancel = new CancellationTokenSource();
        int received = 0, afterCancel = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var step in TextGenerator.GenerateAsync(model, [[1, 2, 3]], new DecodingSettings { MaxNewTokens = 100 }, new GenerationOptions { StopAtEos = false }, cancellationToken: cancel.Token))
            {
                received++;
                if (cancel.IsCancellationRequested) afterCancel++;
                if (received == 3) cancel.Cancel();
            }
        });

        Assert.Equal(3, received);
        Assert.Equal(0, afterCancel);
    }

    [Fact]
    public void Cancelling_the_synchronous_loop_stops_after_the_current_step()
    {
        var model = TestModels.Model("optimum-fp32");
        using var cancel = new CancellationTokenSource();
        var seen = new List<int>();

        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var step in TextGenerator.Generate(model, [[1, 2, 3]], new DecodingSettings { MaxNewTokens = 100 }, new GenerationOptions { StopAtEos = false }, cancellationToken: cancel.Token))
            {
                seen.Add(step.Token);
                if (seen.Count == 2) cancel.Cancel();
            }
        });

        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public void Stopping_an_async_enumeration_early_releases_the_generation()
    {
        var model = TestModels.Model("optimum-fp32");

        var first = TextGenerator.GenerateAsync(model, [[1, 2, 3]], new DecodingSettings { MaxNewTokens = 100 }, new GenerationOptions { StopAtEos = false })
            .ToBlockingEnumerable().Take(2).ToList();

        Assert.Equal(2, first.Count);
    }

    [Theory]
    [InlineData(0, 0, "max_new_tokens (=0) must be >= 1; set how many tokens to generate, e.g. 64")]
    [InlineData(5, -1, "top_logprobs (=-1) must be between 0 and 20")]
    [InlineData(5, 21, "top_logprobs (=21) must be between 0 and 20")]
    public void Invalid_options_are_refused_with_the_parameter_and_value(int maxNew, int topLogprobs, string message)
    {
        var model = TestModels.Model("optimum-fp32");

        var e = Assert.Throws<ArgumentException>(() => TextGenerator.Generate(model, [[1]], new DecodingSettings { MaxNewTokens = maxNew }, new GenerationOptions { TopLogprobs = topLogprobs }));
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(-1)]
    public void Token_ids_outside_the_vocabulary_are_refused(int id)
    {
        var model = TestModels.Model("optimum-fp32");

        var e = Assert.Throws<ModelException>(() => TextGenerator.Generate(model, [[1, id]], Six, NoEos));
        Assert.Contains($"token id {id} is out of range", e.Message);
        Assert.Contains("300 ids", e.Message);
    }

    [Fact]
    public void An_empty_prompt_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => TextGenerator.Generate(TestModels.Model("optimum-fp32"), [[]], Six, NoEos));
        Assert.Contains("prompt 0 is empty", e.Message);
    }

    [Fact]
    public void Decode_statistics_are_reported()
    {
        var result = TextGenerator.Complete(TestModels.Model("optimum-fp32"), [[1, 2, 3]], Six, NoEos);

        Assert.True(result.Stats.Prefill > TimeSpan.Zero);
        Assert.True(result.Stats.DecodeTokensPerSecond(1) > 0);
        Assert.InRange(result.Stats.OrtRunShare, 0.01, 1.0);
    }
}
