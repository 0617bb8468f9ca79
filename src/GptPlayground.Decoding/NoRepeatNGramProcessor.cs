namespace GptPlayground.Decoding;

/// <summary>
/// No-repeat n-gram ban as transformers' <c>NoRepeatNGramLogitsProcessor</c> (Paulus et al. 2017,
/// https://arxiv.org/abs/1705.04304): a token that would complete an n-gram already present in the
/// sequence (prompt included) gets -inf.
/// </summary>
/// <remarks>No-op when the size is 0, and while the sequence is shorter than size - 1 tokens.</remarks>
public sealed class NoRepeatNGramProcessor(int size) : ILogitsProcessor
{
    /// <summary>The n-gram length.</summary>
    public int Size { get; } = size;

    /// <inheritdoc/>
    public void Process(Span<float> scores, DecodingState state)
    {
        var t = state.Tokens;
        int n = Size, len = t.Count;
        if (n <= 0 || len + 1 < n) return;
        // the last n-1 tokens are the prefix of the n-gram the next token would complete
        for (int start = 0; start + n <= len; start++)
        {
            bool same = true;
            for (int j = 0; j < n - 1 && same; j++) same = t[start + j] == t[len - n + 1 + j];
            if (same) scores[t[start + n - 1]] = float.NegativeInfinity;
        }
    }
}
