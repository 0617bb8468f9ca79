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

    /// <summary>Ids of the tokens with a finite score, highest score first; ties by lower id first.
    /// Filtered (-inf) tokens are left out, so after top-k only k ids are sorted.</summary>
    public static int[] Descending(ReadOnlySpan<float> scores)
    {
        var ids = new List<int>();
        for (int i = 0; i < scores.Length; i++) if (float.IsFinite(scores[i])) ids.Add(i);
        var order = ids.ToArray();
        var keys = new float[order.Length];
        for (int i = 0; i < order.Length; i++) keys[i] = -scores[order[i]];
        Array.Sort(keys, order);                                           // ascending -score = descending score
        // Array.Sort is not stable: restore id order inside runs of equal scores
        for (int start = 0; start < order.Length;)
        {
            int end = start + 1;
            while (end < order.Length && keys[end] == keys[start]) end++;
            if (end - start > 1) Array.Sort(order, start, end - start);
            start = end;
        }
        return order;
    }
}
