namespace GptPlayground.Decoding;

/// <summary>
/// Nucleus (top-p) filtering as transformers' <c>TopPLogitsWarper</c> (Holtzman et al. 2019, "The Curious
/// Case of Neural Text Degeneration", https://arxiv.org/abs/1904.09751): keep the smallest set of most
/// probable tokens whose probabilities sum to at least p; the rest get -inf. The most probable token is always kept.
/// </summary>
/// <remarks>
/// No-op when p &gt;= 1. Computed as transformers does: sort ascending, accumulate softmax probabilities,
/// and drop every token whose cumulative probability is &lt;= 1 - p.
/// </remarks>
public sealed class TopPProcessor(double p) : ILogitsProcessor
{
    /// <summary>The probability mass to keep, in (0, 1].</summary>
    public double P { get; } = p;

    /// <inheritdoc/>
    public void Process(Span<float> scores, DecodingState state)
    {
        if (P >= 1) return;
        var probs = ScoreMath.Softmax(scores);
        double total = probs.Sum();
        var negated = new double[scores.Length];                   // ascending -score = most probable first; -inf stays out
        // Tokens below (1 - p) / (2 * vocab) hold less than half the dropped mass together, so the walk below always
        // stops before reaching them: leave them out of the sort (on a peaked distribution that is nearly all of them).
        double negligible = (1 - P) / (2.0 * scores.Length);
        for (int i = 0; i < scores.Length; i++)
            negated[i] = float.IsFinite(scores[i]) && probs[i] >= negligible ? -(double)scores[i] : double.NaN;
        var keep = new bool[scores.Length];
        double before = 0;                                         // probability of the tokens ranked above
        foreach (int id in ScoreMath.Ascending(negated))
        {
            // transformers drops a token when the probability at or below its rank, total - before, is <= 1 - p;
            // the most probable token is always kept
            if (before > 0 && total - before <= 1 - P) break;
            keep[id] = true;
            before += probs[id];
        }
        for (int i = 0; i < scores.Length; i++)
            if (!keep[i]) scores[i] = float.NegativeInfinity;
    }
}
