
namespace GptPlayground.Decoding.Tests;

/// <summary>Each processor against hand-computed expectations. "-" in an expectation means -inf.</summary>
public class ProcessorTests
{
    const float NegInf = float.NegativeInfinity;

    static float[] Run(ILogitsProcessor processor, float[] scores, int[]? tokens = null, int promptLength = 0)
    {
        var copy = (float[])scores.Clone();
        processor.Process(copy, new DecodingState(tokens ?? [], promptLength));
        return copy;
    }

    static float[] Ln(params double[] probs) => probs.Select(p => (float)Math.Log(p)).ToArray();

    static void AssertKept(float[] result, params int[] kept)
    {
        var actual = Enumerable.Range(0, result.Length).Where(i => !float.IsNegativeInfinity(result[i]));
        Assert.Equal(kept.Order(), actual);
    }

    [Theory]
    [InlineData(2.0f, new[] { 0, 1, 1 }, new[] { 1f, -2f, 0.5f, 3f })]   // each present token once: 2/2, -1*2
    [InlineData(0.5f, new[] { 3 }, new[] { 2f, -1f, 0.5f, 6f })]         // < 1 rewards repetition
    [InlineData(1.0f, new[] { 0, 1, 2, 3 }, new[] { 2f, -1f, 0.5f, 3f })] // 1 is a no-op
    public void RepetitionPenalty_divides_positive_and_multiplies_negative_scores_of_present_tokens(float penalty, int[] tokens, float[] expected)
    {
        var result = Run(new RepetitionPenaltyProcessor(penalty), [2f, -1f, 0.5f, 3f], tokens);

        Assert.Equal(expected, result);
    }

    [Theory]
    [InlineData(2, new[] { 5, 6, 5 }, new[] { 6 })]          // bigram (5,6) seen; last token 5 bans 6
    [InlineData(3, new[] { 1, 2, 3, 1, 2 }, new[] { 3 })]    // trigram (1,2,3) seen; ends in (1,2)
    [InlineData(2, new[] { 1, 2, 1, 3, 1 }, new[] { 2, 3 })] // every continuation of 1 seen
    [InlineData(3, new[] { 1 }, new int[0])]                  // shorter than n-1: no ban
    [InlineData(0, new[] { 1, 1, 1 }, new int[0])]            // 0 is a no-op
    public void NoRepeatNGram_bans_tokens_that_complete_a_seen_ngram(int size, int[] tokens, int[] banned)
    {
        var result = Run(new NoRepeatNGramProcessor(size), new float[8], tokens);

        Assert.Equal(banned, Enumerable.Range(0, 8).Where(i => float.IsNegativeInfinity(result[i])));
    }

    [Theory]
    [InlineData(0.5f, 0.25f, new[] { 0f, -1f, -0.75f, 0f })]  // token 1 twice: 0.5 + 2*0.25; token 2 once; prompt token 0 untouched
    [InlineData(0f, 0f, new[] { 0f, 0f, 0f, 0f })]
    [InlineData(-0.5f, 0f, new[] { 0f, 0.5f, 0.5f, 0f })]     // negative encourages
    public void PresenceFrequency_penalise_generated_tokens_only(float presence, float frequency, float[] expected)
    {
        var result = Run(new PresenceFrequencyPenaltyProcessor(presence, frequency), new float[4], [0, 1, 1, 2], promptLength: 1);

        Assert.Equal(expected, result);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    public void MinNewTokens_bans_eos_until_reached(int generated, bool banned)
    {
        var tokens = new[] { 0 }.Concat(Enumerable.Repeat(1, generated)).ToArray();
        var result = Run(new MinNewTokensProcessor(2, [3]), [1f, 1f, 1f, 1f], tokens, promptLength: 1);

        Assert.Equal(banned, float.IsNegativeInfinity(result[3]));
        Assert.Equal(1f, result[0]);
    }

    [Theory]
    [InlineData(0.5f, new[] { 2f, 4f, -2f })]
    [InlineData(2f, new[] { 0.5f, 1f, -0.5f })]
    [InlineData(1f, new[] { 1f, 2f, -1f })]
    public void Temperature_divides_every_score(float t, float[] expected)
    {
        Assert.Equal(expected, Run(new TemperatureProcessor(t), [1f, 2f, -1f]));
    }

    [Theory]
    [InlineData(1e-39f)]            // 2 / t overflows a float
    [InlineData(0f)]                 // 1e-300 as a float
    [InlineData(float.Epsilon)]
    public void Temperature_near_zero_takes_its_greedy_limit_without_nan(float t)
    {
        var result = Run(new TemperatureProcessor(t), [1f, 2f, -1f, float.NegativeInfinity, 2f, 0f]);

        Assert.Equal([float.NegativeInfinity, 0f, float.NegativeInfinity, float.NegativeInfinity, 0f, float.NegativeInfinity], result);
    }

    [Theory]
    [InlineData(2, new[] { 1f, 3f, 2f, 0f }, new[] { 1, 2 })]
    [InlineData(2, new[] { 1f, 3f, 2f, 3f }, new[] { 1, 3 })]
    [InlineData(1, new[] { 1f, 3f, 2f, 3f }, new[] { 1, 3 })]       // ties at the k-th value are kept
    [InlineData(3, new[] { 2f, 1f, 1f, 0f }, new[] { 0, 1, 2 })]
    [InlineData(0, new[] { 1f, 3f, 2f, 0f }, new[] { 0, 1, 2, 3 })] // 0 keeps every token
    [InlineData(9, new[] { 1f, 3f, 2f, 0f }, new[] { 0, 1, 2, 3 })] // k >= vocab keeps every token
    public void TopK_keeps_the_k_highest_with_ties(int k, float[] scores, int[] kept)
    {
        AssertKept(Run(new TopKProcessor(k), scores), kept);
    }

    [Theory]
    [InlineData(0.75, new[] { 0, 1 })]     // 0.5 + 0.3 reaches 0.75
    [InlineData(0.9, new[] { 0, 1, 2 })]   // 0.95 needed to reach 0.9
    [InlineData(0.4, new[] { 0 })]         // the top token alone
    [InlineData(0.01, new[] { 0 })]        // at least one token
    [InlineData(1.0, new[] { 0, 1, 2, 3 })]
    public void TopP_keeps_smallest_set_reaching_p(double p, int[] kept)
    {
        AssertKept(Run(new TopPProcessor(p), Ln(0.5, 0.3, 0.15, 0.05)), kept);
    }

    [Theory]
    [InlineData(0.5, new[] { 0, 1 })]      // threshold 0.25
    [InlineData(0.2, new[] { 0, 1, 2 })]   // threshold 0.1
    [InlineData(1.0, new[] { 0 })]         // only the top token
    [InlineData(0.0, new[] { 0, 1, 2, 3 })]
    public void MinP_keeps_tokens_above_min_p_times_the_top_probability(double minP, int[] kept)
    {
        AssertKept(Run(new MinPProcessor(minP), Ln(0.5, 0.3, 0.15, 0.05)), kept);
    }

    // H = 1.1421 nats; |surprisal - H| = 0.449, 0.062, 0.755, 1.854 -> typical order 1, 0, 2, 3; cumulative 0.3, 0.8, 0.95, 1
    [Theory]
    [InlineData(0.5, new[] { 0, 1 })]
    [InlineData(0.9, new[] { 0, 1, 2 })]
    [InlineData(0.2, new[] { 1 })]          // the most typical token, not the most probable
    [InlineData(1.0, new[] { 0, 1, 2, 3 })]
    public void TypicalP_keeps_the_most_typical_tokens_until_the_mass(double mass, int[] kept)
    {
        AssertKept(Run(new TypicalPProcessor(mass), Ln(0.5, 0.3, 0.15, 0.05)), kept);
    }

    [Fact]
    public void Greedy_selector_takes_the_first_maximum()
    {
        Assert.Equal(1, GreedySelector.Instance.Select([1f, 3f, 3f, NegInf]));
    }

    [Fact]
    public void Random_selector_never_draws_a_filtered_token_and_follows_the_distribution()
    {
        var selector = new RandomSelector(new Xoshiro256(1));
        var counts = new int[4];
        for (int i = 0; i < 20000; i++) counts[selector.Select(Ln(0.5, 0.3, 0.2, 1e-300).Select((x, j) => j == 3 ? NegInf : x).ToArray())]++;

        Assert.Equal(0, counts[3]);
        Assert.InRange(counts[0] / 20000.0, 0.48, 0.52);
        Assert.InRange(counts[1] / 20000.0, 0.28, 0.32);
    }

    [Fact]
    public void Chain_applies_processors_in_order_then_selects()
    {
        // repetition penalty first makes token 1 lose to token 0; temperature then cannot change the argmax
        var chain = new SamplerChain([new RepetitionPenaltyProcessor(4f), new TemperatureProcessor(0.5f)], GreedySelector.Instance, promptLength: 1);

        int token = chain.Choose([2f, 4f, 0f], [1]);

        Assert.Equal(0, token);
        Assert.Equal([4f, 2f, 0f], chain.LastScores.ToArray());
    }

    [Fact]
    public void Chain_for_greedy_settings_leaves_out_the_sampling_warpers()
    {
        var settings = new DecodingSettings { Temperature = 0.5, TopP = 0.9, RepetitionPenalty = 1.2 }.Resolve();

        var chain = SamplerChain.For(settings, [3], promptLength: 1, stream: 0);

        Assert.IsType<RepetitionPenaltyProcessor>(Assert.Single(chain.Processors));
        Assert.IsType<GreedySelector>(chain.Selector);
    }

    [Fact]
    public void Chain_for_sampling_orders_every_stage_as_documented()
    {
        var settings = new DecodingSettings
        {
            DoSample = true, Temperature = 0.7, TopK = 10, TopP = 0.9, MinP = 0.05, TypicalP = 0.95, RepetitionPenalty = 1.1,
            NoRepeatNgramSize = 3, PresencePenalty = 0.1, FrequencyPenalty = 0.1, MinNewTokens = 2, Seed = 1,
        }.Resolve();

        var chain = SamplerChain.For(settings, [3], promptLength: 1, stream: 0);

        Assert.Equal(
            [typeof(RepetitionPenaltyProcessor), typeof(NoRepeatNGramProcessor), typeof(PresenceFrequencyPenaltyProcessor), typeof(MinNewTokensProcessor),
             typeof(TemperatureProcessor), typeof(TopKProcessor), typeof(TopPProcessor), typeof(MinPProcessor), typeof(TypicalPProcessor)],
            chain.Processors.Select(p => p.GetType()));
        Assert.IsType<RandomSelector>(chain.Selector);
    }
}
