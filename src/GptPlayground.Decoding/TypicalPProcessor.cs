namespace GptPlayground.Decoding;

/// <summary>
/// Locally typical sampling as transformers' <c>TypicalLogitsWarper</c> (Meister et al. 2022, "Locally Typical
/// Sampling", https://arxiv.org/abs/2202.00666): tokens are ranked by how far their surprisal -log p is from the
/// distribution's entropy H; the closest ones are kept until their probabilities reach typical_p, the rest get -inf.
/// </summary>
/// <remarks>
/// No-op when typical_p &gt;= 1. As transformers: with the tokens sorted by |(-log p) - H| ascending and
/// c the cumulative probability, the cut is at the first rank whose c reaches typical_p (that token is kept,
/// and so are tokens tied with it); at least one token is kept.
/// </remarks>
public sealed class TypicalPProcessor(double mass) : ILogitsProcessor
{
    /// <summary>The probability mass to keep, in (0, 1].</summary>
    public double Mass { get; } = mass;

    /// <inheritdoc/>
    public void Process(Span<float> scores, DecodingState state)
    {
        if (Mass >= 1) return;
        var probs = ScoreMath.Softmax(scores);
        double logSumExp = ScoreMath.LogSumExp(scores);
        double entropy = 0;
        foreach (var p in probs) if (p > 0) entropy -= p * Math.Log(p);
        // |surprisal - entropy| of every token still in play, from log-probabilities (exact also where p underflows to 0)
        var shifted = new double[probs.Length];
        for (int i = 0; i < probs.Length; i++) shifted[i] = Math.Abs(-(scores[i] - logSumExp) - entropy);
        // walk the tokens by |surprisal - entropy| ascending (ties by id; filtered tokens stay out): the cut is the
        // first rank whose cumulative probability reaches the mass (transformers' last_ind)
        double cumulative = 0, cut = double.NegativeInfinity;
        foreach (int id in ScoreMath.Ascending(shifted))
        {
            cut = shifted[id];
            cumulative += probs[id];
            if (cumulative >= Mass) break;
        }
        for (int i = 0; i < scores.Length; i++)
            if (shifted[i] > cut) scores[i] = float.NegativeInfinity;   // the first-ranked token has the smallest value: always kept
    }
}
