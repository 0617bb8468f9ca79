namespace GptPlayground.Components.Cells;

/// <summary>Where outputs that are compared side by side first part ways.</summary>
public static class FirstDifference
{
    /// <summary>
    /// For each text, the character index where it first differs from some other text of the set: the smallest common
    /// prefix length with any text that is not identical to it. Null when it equals every other text (or is alone).
    /// </summary>
    /// <example>["The cat sat", "The cat ran", "The cat sat"] gives [8, 8, 8].</example>
    public static int?[] Of(IReadOnlyList<string> texts)
    {
        var result = new int?[texts.Count];
        for (int i = 0; i < texts.Count; i++)
            for (int j = 0; j < texts.Count; j++)
            {
                if (i == j || texts[i] == texts[j]) continue;
                int common = CommonPrefix(texts[i], texts[j]);
                if (common < texts[i].Length && (result[i] is null || common < result[i])) result[i] = common;
            }
        return result;
    }

    /// <summary>
    /// For each text, the character index where it first leaves <paramref name="reference"/> (the output of the column
    /// chosen as reference): null when it equals the reference, or when it is the reference's own start carried on
    /// (a longer text that begins with the whole reference differs at the reference's end).
    /// </summary>
    /// <example>reference "The cat sat", texts ["The cat sat", "The cat ran", "The dog"] gives [null, 8, 4].</example>
    public static int?[] From(IReadOnlyList<string> texts, string reference)
    {
        var result = new int?[texts.Count];
        for (int i = 0; i < texts.Count; i++)
        {
            if (texts[i] == reference) continue;
            int common = CommonPrefix(texts[i], reference);
            result[i] = common < texts[i].Length ? common : null;
        }
        return result;
    }

    /// <summary>Length of the longest common prefix, in chars (never splitting a surrogate pair).</summary>
    public static int CommonPrefix(string a, string b)
    {
        int n = 0, max = Math.Min(a.Length, b.Length);
        while (n < max && a[n] == b[n]) n++;
        if (n > 0 && n < a.Length && char.IsLowSurrogate(a[n])) n--;
        return n;
    }
}
