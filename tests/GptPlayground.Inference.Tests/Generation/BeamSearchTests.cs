using GptPlayground.Decoding;
using GptPlayground.Inference.Generation;

namespace GptPlayground.Inference.Tests.Generation;

public class BeamSearchTests
{
    static double[] LogSoftmax(float[] logits)
    {
        double max = logits.Max();
        double lse = max + Math.Log(logits.Sum(x => Math.Exp(x - max)));
        return logits.Select(x => x - lse).ToArray();
    }

    /// <summary>
    /// Every sequence of up to two tokens, scored as transformers scores a finished hypothesis:
    /// sum of log-probabilities / generated_len^length_penalty (an EOS ends a sequence early and counts in the length).
    /// </summary>
    static List<(int[] Tokens, double Score)> Exhaustive(LanguageModelRef model, int[] prompt, double lengthPenalty)
    {
        int eos = model.Model.EosTokenIds[0];
        var first = LogSoftmax(Reference.FullPassLogits(model.Model, prompt));
        var all = new List<(int[], double)>();
        for (int a = 0; a < first.Length; a++)
        {
            if (a == eos) { all.Add(([a], first[a] / Math.Pow(1, lengthPenalty))); continue; }
            var second = LogSoftmax(Reference.FullPassLogits(model.Model, [.. prompt, a]));
            for (int b = 0; b < second.Length; b++) all.Add(([a, b], (first[a] + second[b]) / Math.Pow(2, lengthPenalty)));
        }
        return all.OrderByDescending(x => x.Item2).ToList();
    }

    public sealed record LanguageModelRef(Models.LanguageModel Model);

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.0)]
    [InlineData(-1.5)]
    public void Beam_covering_every_candidate_equals_exhaustive_search(double lengthPenalty)
    {
        var model = TestModels.Model("optimum-fp32");
        var prompt = new[] { 10, 20, 30 };
        var settings = new DecodingSettings { NumBeams = 300, NumReturnSequences = 5, MaxNewTokens = 2, LengthPenalty = lengthPenalty };

        var result = TextGenerator.Complete(model, [prompt], settings, new GenerationOptions { TopLogprobs = 2, Limits = new DecodingLimits(MaxBeams: 300) });
        var expected = Exhaustive(new(model), prompt, lengthPenalty).Take(5).ToList();

        Assert.Equal(expected.Select(e => e.Tokens), result.Sequences.Select(s => s.Tokens));
        for (int i = 0; i < 5; i++) Assert.Equal(expected[i].Score, result.Sequences[i].Score!.Value, 4);
    }

    [Fact]
    public void Score_is_the_sum_of_processed_logprobs_over_length_to_the_penalty()
    {
        var model = TestModels.Model("optimum-fp32");
        var settings = new DecodingSettings { NumBeams = 4, NumReturnSequences = 4, MaxNewTokens = 6, LengthPenalty = 0.7, RepetitionPenalty = 1.3 };

        var result = TextGenerator.Complete(model, [[1, 2, 3], [7, 8]], settings, new GenerationOptions { TopLogprobs = 3 });

        Assert.Equal(8, result.Sequences.Count);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1], result.Sequences.Select(s => s.Prompt));
        foreach (var s in result.Sequences)
        {
            double sum = s.Steps.Sum(step => (double)step.ProcessedLogprob!.Value);
            Assert.Equal(sum / Math.Pow(s.Tokens.Length, 0.7), s.Score!.Value, 3);
            Assert.Equal(3, s.Steps[0].TopLogprobs.Count);
        }
        var scores = result.Sequences.Take(4).Select(s => s.Score!.Value).ToList();
        Assert.Equal(scores.OrderByDescending(x => x), scores);                 // best first
    }

    [Fact]
    public void One_beam_search_result_equals_greedy_when_the_beam_is_one_wide_in_effect()
    {
        // with early stopping, 2 beams and a single step, the best hypothesis is the argmax token
        var model = TestModels.Model("optimum-fp32");
        var greedy = TextGenerator.Complete(model, [[5, 6, 7]], new DecodingSettings { MaxNewTokens = 1 }).Sequences[0].Tokens;

        var beam = TextGenerator.Complete(model, [[5, 6, 7]], new DecodingSettings { MaxNewTokens = 1, NumBeams = 2 }).Sequences[0].Tokens;

        Assert.Equal(greedy, beam);
    }

    [Theory]
    [InlineData("optimum-fp32")]
    [InlineData("stacked")]
    [InlineData("gqa")]
    public void Reordering_cache_rows_gives_the_same_beams_as_recomputing_them(string variant)
    {
        var model = TestModels.Model(variant);
        var settings = new DecodingSettings { NumBeams = 4, NumReturnSequences = 4, MaxNewTokens = 7, NoRepeatNgramSize = 2 }.Resolve(model.Config.GenerationDefaults, model.ContextLength);
        int[][] prompts = [[1, 2, 3], [9, 8]];

        var reordered = BeamSearch.Run(model, prompts, settings, 2, new GenerationStats(), default).ToList();
        var recomputed = BeamSearch.Run(model, prompts, settings, 2, new GenerationStats(), default, recompute: true).ToList();

        Assert.Equal(recomputed.Select(s => (s.Sequence, s.Token)), reordered.Select(s => (s.Sequence, s.Token)));
        for (int i = 0; i < reordered.Count; i++)
        {
            Assert.Equal(recomputed[i].ProcessedLogprob!.Value, reordered[i].ProcessedLogprob!.Value, 3);
            Assert.Equal(recomputed[i].Score ?? 0, reordered[i].Score ?? 0, 3);
        }
    }

    [Fact]
    public async Task Beam_search_stops_when_cancelled()
    {
        var model = TestModels.Model("optimum-fp32");
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in TextGenerator.GenerateAsync(model, [[1, 2, 3]], new DecodingSettings { NumBeams = 3, MaxNewTokens = 50 }, cancellationToken: cancel.Token)) { }
        });
    }

    [Fact]
    public void Beam_search_ends_a_hypothesis_at_a_stop_string()
    {
        var model = TestModels.Model("optimum-fp32");
        var prompt = model.Encode("Once upon a time");
        var free = TextGenerator.Complete(model, [prompt], new DecodingSettings { NumBeams = 2, MaxNewTokens = 12 }).Sequences[0];
        var stop = free.Text.Substring(free.Text.Length / 2, 1);

        var stopped = TextGenerator.Complete(model, [prompt], new DecodingSettings { NumBeams = 2, NumReturnSequences = 2, MaxNewTokens = 12, Stop = [stop] });

        Assert.All(stopped.Sequences, s => Assert.False(s.Text.Contains(stop, StringComparison.Ordinal), $"stop '{stop}' in '{s.Text}'"));
        Assert.NotEqual(free.Tokens, stopped.Sequences[0].Tokens);            // the unconstrained best contains the stop string
        Assert.All(stopped.Sequences, s => Assert.True(s.Finish == FinishReason.Stop || !free.Text.StartsWith(s.Text + stop, StringComparison.Ordinal)));
    }

    [Fact]
    public void Beam_results_match_a_recomputing_search_on_every_layout()
    {
        // reordering KV cache rows must give what a cache-free search gives: compare layouts (separate vs stacked caches)
        var settings = new DecodingSettings { NumBeams = 3, NumReturnSequences = 3, MaxNewTokens = 5 };
        var reference = TextGenerator.Complete(TestModels.Model("optimum-fp32"), [[1, 2, 3]], settings);

        foreach (var variant in new[] { "stacked", "merged", "gqa" })
        {
            var prompt = new[] { 1, 2, 3 };
            var r = TextGenerator.Complete(TestModels.Model(variant), [prompt], settings);
            foreach (var s in r.Sequences)
            {
                // every returned sequence's processed logprobs equal a full pass over its prefix
                var seq = new List<int>(prompt);
                foreach (var step in s.Steps)
                {
                    var lp = LogSoftmax(Reference.FullPassLogits(TestModels.Model(variant), seq));
                    Assert.Equal(lp[step.Token], step.Logprob, 3);
                    seq.Add(step.Token);
                }
            }
        }
        Assert.Equal(3, reference.Sequences.Count);
    }
}
