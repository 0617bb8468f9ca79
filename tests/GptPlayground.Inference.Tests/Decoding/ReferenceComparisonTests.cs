using GptPlayground.Decoding;
using GptPlayground.Inference.Generation;
using Xunit.Abstractions;

namespace GptPlayground.Inference.Tests.Decoding;

/// <summary>
/// processed_top_logprobs of real generations against <see cref="HfReference"/> applied to the same raw logits
/// (recomputed with a cache-free full pass), for random settings.
/// </summary>
public class ReferenceComparisonTests(ITestOutputHelper output)
{
    static DecodingSettings RandomSettings(Random r) => new()
    {
        DoSample = r.Next(5) > 0,
        MaxNewTokens = 8,
        Temperature = r.Next(3) == 0 ? 1.0 : 0.3 + 1.5 * r.NextDouble(),
        TopK = r.Next(3) == 0 ? 0 : 1 + r.Next(120),
        TopP = r.Next(3) == 0 ? 1.0 : 0.3 + 0.69 * r.NextDouble(),
        MinP = r.Next(3) == 0 ? 0.0 : 0.3 * r.NextDouble(),
        TypicalP = r.Next(3) == 0 ? 1.0 : 0.3 + 0.69 * r.NextDouble(),
        RepetitionPenalty = r.Next(3) == 0 ? 1.0 : 0.7 + r.NextDouble(),
        PresencePenalty = r.Next(3) == 0 ? 0.0 : 2 * r.NextDouble() - 1,
        FrequencyPenalty = r.Next(3) == 0 ? 0.0 : 2 * r.NextDouble() - 1,
        NoRepeatNgramSize = r.Next(3) == 0 ? 0 : 1 + r.Next(3),
        MinNewTokens = r.Next(3),
        Seed = (ulong)r.Next(),
    };

    [Fact]
    public void Chain_equals_the_reference_on_random_logits_histories_and_settings()
    {
        var random = new Random(99);
        double maxDeviation = 0;
        int rows = 0, keptDiffers = 0;
        for (int trial = 0; trial < 1000; trial++)
        {
            var settings = RandomSettings(random) with { DoSample = random.Next(6) > 0 };
            settings = settings.Resolve();
            double scale = 0.5 + 6 * random.NextDouble();
            var logits = Enumerable.Range(0, 300).Select(_ => (float)(scale * (random.NextDouble() * 2 - 1))).ToArray();
            int promptLength = 1 + random.Next(6);
            var tokens = Enumerable.Range(0, promptLength + random.Next(8)).Select(_ => random.Next(12)).ToList();   // small ids: repeats
            var chain = SamplerChain.For(settings, [299], promptLength, stream: 0);

            var actual = (float[])logits.Clone();
            chain.Process(actual, new DecodingState(tokens, promptLength));
            var expected = HfReference.Process(logits, tokens, promptLength, settings, [299]);

            var a = HfReference.LogSoftmax(actual);
            var e = HfReference.LogSoftmax(expected);
            for (int i = 0; i < 300; i++)
            {
                if (double.IsFinite(a[i]) != double.IsFinite(e[i])) { keptDiffers++; continue; }
                if (double.IsFinite(a[i])) maxDeviation = Math.Max(maxDeviation, Math.Abs(a[i] - e[i]));
            }
            rows++;
        }
        output.WriteLine($"{rows} random rows x 300 tokens: kept-set differences {keptDiffers}, max |logprob deviation| = {maxDeviation:E2}");
        Assert.Equal(0, keptDiffers);
        Assert.True(maxDeviation < 1e-3, $"max deviation {maxDeviation}");
    }

    [Fact]
    public void Processed_top_logprobs_equal_the_reference_for_random_settings()
    {
        var model = TestModels.Model("optimum-fp32");
        var random = new Random(2024);
        double maxDeviation = 0;
        int steps = 0, compared = 0;
        for (int trial = 0; trial < 40; trial++)
        {
            var settings = RandomSettings(random).Resolve(model.Config.GenerationDefaults, model.ContextLength);
            var prompt = TestModels.RandomIds(3 + random.Next(6), seed: trial, vocab: 299);

            var result = TextGenerator.Complete(model, [prompt], settings, new GenerationOptions { TopLogprobs = 20 });

            var sequence = new List<int>(prompt);
            foreach (var step in result.Sequences[0].Steps)
            {
                var raw = Reference.FullPassLogits(model, sequence);
                var expected = HfReference.LogSoftmax(HfReference.Process(raw, sequence, prompt.Length, settings, model.EosTokenIds));
                var expectedTop = Enumerable.Range(0, expected.Length).Where(i => double.IsFinite(expected[i]))
                    .OrderByDescending(i => expected[i]).Take(20).ToList();

                Assert.Equal(expectedTop, step.ProcessedTopLogprobs.Select(t => t.Token));
                foreach (var t in step.ProcessedTopLogprobs)
                    maxDeviation = Math.Max(maxDeviation, Math.Abs(t.Logprob - expected[t.Token]));
                maxDeviation = Math.Max(maxDeviation, Math.Abs(step.ProcessedLogprob!.Value - expected[step.Token]));
                Assert.True(double.IsFinite(expected[step.Token]), $"trial {trial}: drew token {step.Token}, which the reference filters out");
                compared += step.ProcessedTopLogprobs.Count;
                steps++;
                sequence.Add(step.Token);
            }
        }
        output.WriteLine($"{steps} steps, {compared} processed logprobs compared, max |deviation| = {maxDeviation:E2}");
        Assert.True(maxDeviation < 1e-3, $"max deviation {maxDeviation}");
    }
}
