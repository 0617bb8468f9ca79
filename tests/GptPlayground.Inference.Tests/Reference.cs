using GptPlayground.Decoding;
using GptPlayground.Inference.Generation;
using GptPlayground.Inference.Models;

namespace GptPlayground.Inference.Tests;

/// <summary>Cache-free reference computations: every answer is one full pass over the whole sequence.</summary>
public static class Reference
{
    /// <summary>Next-token logits after <paramref name="sequence"/>, from a full pass with an empty cache.</summary>
    public static float[] FullPassLogits(LanguageModel model, IReadOnlyList<int> sequence)
    {
        using var generator = new Generator(model);
        generator.AppendTokens(sequence.ToArray());
        return generator.GetLogits().ToArray();
    }

    /// <summary>Greedy decoding that recomputes the whole sequence for every token (no KV cache reuse).</summary>
    public static int[] GreedyFullRecompute(LanguageModel model, int[] prompt, int newTokens)
    {
        var sequence = new List<int>(prompt);
        var output = new List<int>();
        for (int i = 0; i < newTokens; i++)
        {
            int next = GreedySelector.ArgMax(FullPassLogits(model, sequence));
            output.Add(next);
            sequence.Add(next);
        }
        return output.ToArray();
    }

    public static float MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        float max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }
}
