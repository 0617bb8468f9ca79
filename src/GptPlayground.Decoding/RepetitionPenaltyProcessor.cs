namespace GptPlayground.Decoding;

/// <summary>
/// Repetition penalty as transformers' <c>RepetitionPenaltyLogitsProcessor</c> (CTRL, Keskar et al. 2019,
/// https://arxiv.org/abs/1909.05858): for every distinct token already present in the prompt or the output,
/// a positive score is divided by the penalty and a negative one multiplied by it, so with a penalty &gt; 1
/// the token always becomes less likely. Each token is penalised once, however often it occurs.
/// </summary>
/// <remarks>No-op when the penalty is 1. A penalty &lt; 1 rewards repetition.</remarks>
public sealed class RepetitionPenaltyProcessor(float penalty) : ILogitsProcessor
{
    /// <summary>The penalty (&gt; 0).</summary>
    public float Penalty { get; } = penalty;

    /// <inheritdoc/>
    public void Process(Span<float> scores, DecodingState state)
    {
        if (Penalty == 1f) return;
        var seen = new HashSet<int>();
        foreach (var token in state.Tokens)
        {
            if (!seen.Add(token)) continue;
            float s = scores[token];
            scores[token] = s < 0 ? s * Penalty : s / Penalty;
        }
    }
}
