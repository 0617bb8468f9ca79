namespace GptPlayground.Inference.Decoding;

/// <summary>Softmax and sorting helpers shared by the processors (double precision; -inf scores give probability 0).</summary>
internal static class ScoreMath
{
    /// <summary>probs = softmax(scores); all zero if every score is -inf.</summary>
    public static double[] Softmax(ReadOnlySpan<float> scores)
    {
        var probs = new double[scores.Length];
        float max = float.NegativeInfinity;
        foreach (var s in scores) if (s > max) max = s;
        if (float.IsNegativeInfinity(max)) return probs;
        double sum = 0;
        for (int i = 0; i < scores.Length; i++) sum += probs[i] = Math.Exp((double)scores[i] - max);
        for (int i = 0; i < probs.Length; i++) probs[i] /= sum;
        return probs;
    }

    /// <summary>Token ids ordered by score, highest first; ties by lower id first (a stable sort).</summary>
    public static int[] Descending(ReadOnlySpan<float> scores)
    {
        var order = new int[scores.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var keys = scores.ToArray();
        Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[b].CompareTo(keys[a]) : a.CompareTo(b));
        return order;
    }
}
