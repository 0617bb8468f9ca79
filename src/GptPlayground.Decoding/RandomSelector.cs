namespace GptPlayground.Decoding;

/// <summary>
/// Sampling: draws a token from softmax(scores) with a seeded <see cref="Xoshiro256"/> stream, as
/// <c>torch.multinomial(softmax(scores), 1)</c> does in transformers (the random numbers differ, the distribution is the same).
/// </summary>
/// <remarks>
/// One uniform double u in [0, 1) per draw; the token is the first id whose cumulative probability
/// (in id order) exceeds u. Tokens at -inf have probability 0 and are never drawn. Same scores and same
/// stream state give the same token on every machine.
/// </remarks>
public sealed class RandomSelector(Xoshiro256 random) : ITokenSelector
{
    /// <inheritdoc/>
    public int Select(ReadOnlySpan<float> scores)
    {
        var probs = ScoreMath.Softmax(scores);
        double u = random.NextDouble();
        double cumulative = 0;
        int lastPossible = 0;
        for (int i = 0; i < probs.Length; i++)
        {
            if (probs[i] <= 0) continue;
            lastPossible = i;
            cumulative += probs[i];
            if (u < cumulative) return i;
        }
        return lastPossible;                                 // rounding left cumulative just below u
    }
}
