
namespace GptPlayground.Decoding.Tests;

/// <summary>Properties of the filters on random logits (seeded, 200 rows of 64 tokens each).</summary>
public class ProcessorPropertyTests
{
    static IEnumerable<float[]> RandomRows(int seed)
    {
        var random = new Random(seed);
        for (int r = 0; r < 200; r++)
        {
            double scale = 0.5 + 4 * random.NextDouble();     // flat to peaked
            yield return Enumerable.Range(0, 64).Select(_ => (float)(scale * (random.NextDouble() * 2 - 1))).ToArray();
        }
    }

    static double[] Probs(float[] scores)
    {
        double max = scores.Max();
        var e = scores.Select(x => Math.Exp(x - max)).ToArray();
        double sum = e.Sum();
        return e.Select(x => x / sum).ToArray();
    }

    [Fact]
    public void TopP_set_is_minimal_and_reaches_p()
    {
        var random = new Random(5);
        foreach (var row in RandomRows(1))
        {
            double p = 0.05 + 0.9 * random.NextDouble();
            var probs = Probs(row);
            var result = (float[])row.Clone();

            new TopPProcessor(p).Process(result, default);

            var kept = Enumerable.Range(0, row.Length).Where(i => float.IsFinite(result[i])).ToList();
            double mass = kept.Sum(i => probs[i]);
            double smallest = kept.Min(i => probs[i]);
            Assert.True(mass >= p - 1e-9, $"kept mass {mass} < top_p {p}");
            Assert.True(kept.Count == 1 || mass - smallest < p + 1e-9, $"dropping the least likely kept token still reaches {p}: not minimal");
            Assert.True(kept.All(i => Enumerable.Range(0, row.Length).Where(j => !kept.Contains(j)).All(j => probs[j] <= probs[i])), "a dropped token is likelier than a kept one");
        }
    }

    [Fact]
    public void MinP_keeps_exactly_the_tokens_at_or_above_the_threshold()
    {
        var random = new Random(6);
        foreach (var row in RandomRows(2))
        {
            double minP = random.NextDouble();
            var probs = Probs(row);
            var result = (float[])row.Clone();

            new MinPProcessor(minP).Process(result, default);

            double threshold = minP * probs.Max();
            for (int i = 0; i < row.Length; i++)
                if (Math.Abs(probs[i] - threshold) > 1e-12)
                    Assert.Equal(probs[i] >= threshold, float.IsFinite(result[i]));
        }
    }

    [Fact]
    public void Kept_probabilities_of_every_filter_sum_to_one_after_renormalising()
    {
        var random = new Random(7);
        foreach (var row in RandomRows(3))
        {
            ILogitsProcessor filter = (random.Next(4)) switch
            {
                0 => new TopKProcessor(1 + random.Next(20)),
                1 => new TopPProcessor(0.1 + 0.8 * random.NextDouble()),
                2 => new MinPProcessor(random.NextDouble()),
                _ => new TypicalPProcessor(0.1 + 0.8 * random.NextDouble()),
            };
            var result = (float[])row.Clone();
            filter.Process(result, default);

            var processed = Probs(result);
            Assert.Equal(1.0, processed.Sum(), 9);
            Assert.True(processed.Count(p => p > 0) >= 1);
            for (int i = 0; i < row.Length; i++)
                if (float.IsFinite(result[i])) Assert.Equal(row[i], result[i]);   // filters never change a kept score
        }
    }
}
