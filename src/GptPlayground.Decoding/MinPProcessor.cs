namespace GptPlayground.Decoding;

/// <summary>
/// Min-p filtering as transformers' <c>MinPLogitsWarper</c> (Nguyen et al. 2024, "Turning Up the Heat:
/// Min-p Sampling for Creative and Coherent LLM Outputs", https://arxiv.org/abs/2407.01082): a token whose
/// probability is below <c>min_p * p_max</c> gets -inf, where p_max is the top token's probability.
/// </summary>
/// <remarks>No-op when min_p is 0. The top token is always kept (min_p = 1 keeps only the top token and its ties).</remarks>
public sealed class MinPProcessor(double minP) : ILogitsProcessor
{
    /// <summary>The relative threshold, in [0, 1].</summary>
    public double MinP { get; } = minP;

    /// <inheritdoc/>
    public void Process(Span<float> scores, DecodingState state)
    {
        if (MinP <= 0) return;
        var probs = ScoreMath.Softmax(scores);
        double max = probs.Max();
        double threshold = MinP * max;
        for (int i = 0; i < scores.Length; i++)
            if (probs[i] < threshold && probs[i] != max) scores[i] = float.NegativeInfinity;
    }
}
