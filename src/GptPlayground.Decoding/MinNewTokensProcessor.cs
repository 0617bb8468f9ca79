namespace GptPlayground.Decoding;

/// <summary>
/// Bans end-of-sequence tokens (-inf) until <see cref="MinNewTokens"/> tokens were generated, as transformers'
/// <c>MinNewTokensLengthLogitsProcessor</c>.
/// </summary>
/// <remarks>No-op when the minimum is 0, once it is reached, or when the model has no EOS id.</remarks>
public sealed class MinNewTokensProcessor(int minNewTokens, IReadOnlyList<int> eosTokenIds) : ILogitsProcessor
{
    /// <summary>Tokens to generate before EOS is allowed.</summary>
    public int MinNewTokens { get; } = minNewTokens;

    /// <inheritdoc/>
    public void Process(Span<float> scores, DecodingState state)
    {
        if (state.Generated >= MinNewTokens) return;
        foreach (var eos in eosTokenIds)
            if ((uint)eos < (uint)scores.Length) scores[eos] = float.NegativeInfinity;
    }
}
