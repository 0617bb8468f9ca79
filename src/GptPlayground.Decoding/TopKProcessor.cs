namespace GptPlayground.Decoding;

/// <summary>
/// Top-k filtering as transformers' <c>TopKLogitsWarper</c> (Fan, Lewis, Dauphin 2018, "Hierarchical Neural
/// Story Generation", https://arxiv.org/abs/1805.04833): every token whose score is below the k-th highest
/// score gets -inf. Tokens tied with the k-th score are kept, so more than k may survive.
/// </summary>
/// <remarks>No-op when k &lt;= 0 (keeps every token) or k &gt;= the vocabulary size.</remarks>
public sealed class TopKProcessor(int k) : ILogitsProcessor
{
    /// <summary>How many tokens to keep.</summary>
    public int K { get; } = k;

    /// <inheritdoc/>
    public void Process(Span<float> scores, DecodingState state)
    {
        if (K <= 0 || K >= scores.Length) return;
        float kth = ScoreMath.KthLargest(scores.ToArray(), K); // the k-th highest score
        for (int i = 0; i < scores.Length; i++)
            if (scores[i] < kth) scores[i] = float.NegativeInfinity;
    }
}
