namespace GptPlayground.Decoding;

/// <summary>Softmax and sorting helpers shared by the processors (double precision; -inf scores give probability 0).</summary>
internal static class ScoreMath
{
    /// <summary>log(sum(exp(scores))), computed from the maximum so that it does not overflow; -inf when every score is -inf.</summary>
    public static float LogSumExp(ReadOnlySpan<float> scores)
    {
        float max = float.NegativeInfinity;
        foreach (var x in scores) if (x > max) max = x;
        if (float.IsNegativeInfinity(max)) return max;
        double sum = 0;
        foreach (var x in scores) sum += Math.Exp(x - max);
        return max + (float)Math.Log(sum);
    }

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

    /// <summary>
    /// The ids with a finite key in ascending (key, id) order: a primitive sort of the finite keys, with equal-key
    /// runs put back in id order (about 4.5 ms for 50k keys here). Callers set the keys of tokens that cannot matter
    /// to NaN first, so on a peaked distribution the sort sees few keys.
    /// </summary>
    public static IEnumerable<int> Ascending(double[] keys)
    {
        var ids = new int[keys.Length];
        var sorted = new double[keys.Length];
        int count = 0;
        for (int i = 0; i < keys.Length; i++)
            if (double.IsFinite(keys[i])) { ids[count] = i; sorted[count++] = keys[i]; }
        Array.Sort(sorted, ids, 0, count);
        for (int start = 0; start < count;)                                // Array.Sort is not stable: ties go by id
        {
            int end = start + 1;
            while (end < count && sorted[end] == sorted[start]) end++;
            if (end - start > 1) Array.Sort(ids, start, end - start);
            start = end;
        }
        for (int i = 0; i < count; i++) yield return ids[i];
    }

    /// <summary>The k-th largest value (1-based) of <paramref name="values"/>, by quickselect: O(n) on average. Reorders the array.</summary>
    public static float KthLargest(float[] values, int k)
    {
        int target = k - 1, lo = 0, hi = values.Length - 1;                // index of the k-th largest in descending order
        while (lo < hi)
        {
            float pivot = values[lo + (hi - lo) / 2];
            int i = lo, j = hi;
            while (i <= j)                                                 // Hoare partition, descending
            {
                while (values[i] > pivot) i++;
                while (values[j] < pivot) j--;
                if (i <= j) { (values[i], values[j]) = (values[j], values[i]); i++; j--; }
            }
            if (target <= j) hi = j;
            else if (target >= i) lo = i;
            else return values[target];
        }
        return values[target];
    }
}
