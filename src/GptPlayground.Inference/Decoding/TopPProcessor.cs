namespace GptPlayground.Inference.Decoding;

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
        var order = ScoreMath.Descending(scores);
        double cumulative = 0;
        for (int r = order.Length - 1; r >= 1; r--)          // ascending; rank 0 (the top token) is always kept
        {
            cumulative += probs[order[r]];
            if (cumulative <= 1 - P) scores[order[r]] = float.NegativeInfinity;
            else break;
        }
    }
}
