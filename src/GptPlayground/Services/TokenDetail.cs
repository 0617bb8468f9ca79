using GptPlayground.Inference.Generation;

namespace GptPlayground.Services;

/// <summary>One token of the token view: its text, how likely it was, and the alternatives.</summary>
/// <param name="Token">Token id.</param>
/// <param name="Text">Text shown for it.</param>
/// <param name="Logprob">log P under the model's raw distribution; null for a first prompt token (no context).</param>
/// <param name="ProcessedLogprob">log P under the distribution it was drawn from (after the sampling filters); null when not known.</param>
/// <param name="Raw">The most likely tokens of the raw distribution.</param>
/// <param name="Processed">The most likely tokens after the sampling filters (filtered tokens absent).</param>
public sealed record TokenDetail(int Token, string Text, float? Logprob, float? ProcessedLogprob,
    IReadOnlyList<TokenLogprob> Raw, IReadOnlyList<TokenLogprob> Processed)
{
    /// <summary>A generated token.</summary>
    public static TokenDetail FromStep(GenerationStep step)
    {
        var text = step.Text.Length > 0 ? step.Text
            : step.TopLogprobs.FirstOrDefault(t => t.Token == step.Token)?.Text is { Length: > 0 } display ? display
            : $"⟨{step.Token}⟩";
        float? logprob = float.IsNaN(step.Logprob) ? null : step.Logprob;       // a remote server that returned none
        return new TokenDetail(step.Token, text, logprob, step.ProcessedLogprob, step.TopLogprobs, step.ProcessedTopLogprobs);
    }

    /// <summary>A token of a remote model (<see cref="RemoteGeneration"/>): no id, no processed log-probabilities, log-probabilities only where its server returns them.</summary>
    public bool IsRemote => Token == RemoteGeneration.UnknownToken;

    /// <summary>A prompt token scored by the model (prompt surprisal).</summary>
    public static TokenDetail FromScore(TokenScore score) =>
        new(score.Token, score.Text, score.Logprob, null, score.TopLogprobs, []);

    /// <summary>Probability under the raw distribution (0..1), or null.</summary>
    public double? Probability => Logprob is float lp ? Math.Exp(lp) : null;

    /// <summary>Surprisal in bits (-log2 p), or null.</summary>
    public double? SurprisalBits => Logprob is float lp ? -lp / Math.Log(2) : null;
}
