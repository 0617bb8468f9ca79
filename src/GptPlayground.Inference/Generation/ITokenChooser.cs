namespace GptPlayground.Inference.Generation;

/// <summary>
/// Picks the next token of one sequence from the model's raw next-token logits. The decoding suite
/// (samplers, penalties) plugs in here; <see cref="GreedyChooser"/> is the engine's default.
/// </summary>
public interface ITokenChooser
{
    /// <summary>Returns the id of the next token.</summary>
    /// <param name="logits">Raw logits, [vocab].</param>
    /// <param name="sequence">The sequence so far: prompt then generated tokens (no padding).</param>
    int Choose(ReadOnlySpan<float> logits, IReadOnlyList<int> sequence);
}

/// <summary>Greedy decoding: the token with the highest logit; ties go to the lowest id (as torch.argmax).</summary>
public sealed class GreedyChooser : ITokenChooser
{
    /// <summary>The shared instance (stateless).</summary>
    public static readonly GreedyChooser Instance = new();

    /// <inheritdoc/>
    public int Choose(ReadOnlySpan<float> logits, IReadOnlyList<int> sequence) => ArgMax(logits);

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
