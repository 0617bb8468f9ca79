using GptPlayground.Decoding;

namespace GptPlayground.Inference.Generation;

/// <summary>A token and its log-probability.</summary>
/// <param name="Token">Token id.</param>
/// <param name="Logprob">Natural log of its probability.</param>
/// <param name="Text">Display form of the token ("" without a tokenizer).</param>
public sealed record TokenLogprob(int Token, float Logprob, string Text);

/// <summary>Log-softmax helpers over a logits row.</summary>
public static class Logprobs
{
    /// <summary>log(sum(exp(x))), computed stably as max + log(sum(exp(x - max))).</summary>
    public static float LogSumExp(ReadOnlySpan<float> logits) => ScoreMath.LogSumExp(logits);

    /// <summary>The <paramref name="k"/> most probable tokens, most probable first (ties: lower id first).</summary>
    /// <param name="logits">Raw logits, [vocab].</param>
    /// <param name="k">How many; 0 gives an empty list.</param>
    /// <param name="logSumExp"><see cref="LogSumExp"/> of the same row.</param>
    /// <param name="display">Display text of a token id.</param>
    public static IReadOnlyList<TokenLogprob> Top(ReadOnlySpan<float> logits, int k, float logSumExp, Func<int, string> display)
    {
        var best = TopIndices(logits, k);
        int count = best.Length;
        var result = new TokenLogprob[count];
        for (int i = 0; i < count; i++) result[i] = new TokenLogprob(best[i], logits[best[i]] - logSumExp, display(best[i]));
        return result;
    }

    /// <summary>Indices of the <paramref name="k"/> largest values, largest first; ties: lower index first. O(n * k), for small k.</summary>
    internal static int[] TopIndices(ReadOnlySpan<float> values, int k)
    {
        k = Math.Min(k, values.Length);
        if (k <= 0) return [];
        var best = new int[k];
        int count = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (count == k && !(values[i] > values[best[k - 1]])) continue;
            int at = count < k ? count++ : k - 1;
            while (at > 0 && values[i] > values[best[at - 1]]) { best[at] = best[at - 1]; at--; }
            best[at] = i;
        }
        return best[..count];
    }

    /// <summary>
    /// Log-probabilities under a processed distribution: the chosen token's, and the top <paramref name="k"/> tokens
    /// with a finite score (filtered tokens, at -inf, are left out).
    /// </summary>
    /// <param name="scores">Processed scores, [vocab].</param>
    /// <param name="token">The chosen token.</param>
    /// <param name="k">How many alternatives.</param>
    /// <param name="display">Display text of a token id.</param>
    public static (float Logprob, IReadOnlyList<TokenLogprob> Top) Processed(ReadOnlySpan<float> scores, int token, int k, Func<int, string> display)
    {
        float logSumExp = LogSumExp(scores);
        var top = Top(scores, k, logSumExp, display).Where(t => float.IsFinite(t.Logprob)).ToArray();
        return (scores[token] - logSumExp, top);
    }
}
