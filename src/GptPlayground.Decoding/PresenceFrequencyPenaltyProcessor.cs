namespace GptPlayground.Decoding;

/// <summary>
/// Presence and frequency penalties with OpenAI's semantics
/// (https://platform.openai.com/docs/advanced-usage/frequency-and-presence-penalties):
/// <c>score[j] -= count[j] * frequency + (count[j] &gt; 0 ? presence : 0)</c>, where <c>count[j]</c> counts
/// token j among the generated tokens only (the prompt is not penalised). transformers has no equivalent.
/// </summary>
/// <remarks>No-op when both penalties are 0, and at the first step (nothing generated). Negative values encourage repetition.</remarks>
public sealed class PresenceFrequencyPenaltyProcessor(float presence, float frequency) : ILogitsProcessor
{
    /// <summary>Subtracted once per distinct generated token.</summary>
    public float Presence { get; } = presence;
    /// <summary>Subtracted per occurrence.</summary>
    public float Frequency { get; } = frequency;

    /// <inheritdoc/>
    public void Process(Span<float> scores, DecodingState state)
    {
        if (Presence == 0 && Frequency == 0) return;
        var counts = new Dictionary<int, int>();
        for (int i = state.PromptLength; i < state.Tokens.Count; i++)
            counts[state.Tokens[i]] = counts.GetValueOrDefault(state.Tokens[i]) + 1;
        foreach (var (token, count) in counts)
            scores[token] -= count * Frequency + Presence;
    }
}
