using GptPlayground.Inference.Generation;

namespace GptPlayground.Inference.Decoding;

/// <summary>Greedy selection: the highest score; ties go to the lowest id (as <c>torch.argmax</c>).</summary>
/// <remarks>Never a no-op: it is the selector of every chain with <c>do_sample=false</c>.</remarks>
public sealed class GreedySelector : ITokenSelector
{
    /// <summary>The shared instance (stateless).</summary>
    public static readonly GreedySelector Instance = new();

    /// <inheritdoc/>
    public int Select(ReadOnlySpan<float> scores) => GreedyChooser.ArgMax(scores);
}
