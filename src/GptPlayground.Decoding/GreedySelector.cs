namespace GptPlayground.Decoding;

/// <summary>Greedy selection: the highest score; ties go to the lowest id (as <c>torch.argmax</c>).</summary>
/// <remarks>Never a no-op: it is the selector of every chain with <c>do_sample=false</c>.</remarks>
public sealed class GreedySelector : ITokenSelector
{
    /// <summary>The shared instance (stateless).</summary>
    public static readonly GreedySelector Instance = new();

    /// <inheritdoc/>
    public int Select(ReadOnlySpan<float> scores) => ArgMax(scores);

    /// <summary>Index of the largest value; the first one on ties; NaN is never chosen over a number.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        float max = float.NegativeInfinity;
        for (int i = 0; i < values.Length; i++)
            if (values[i] > max) { max = values[i]; best = i; }
        return best;
    }
}
