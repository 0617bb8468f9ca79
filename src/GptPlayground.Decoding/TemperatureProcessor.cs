namespace GptPlayground.Decoding;

/// <summary>
/// Temperature as transformers' <c>TemperatureLogitsWarper</c>: every score divided by the temperature.
/// Below 1 sharpens the distribution, above 1 flattens it (Ackley, Hinton, Sejnowski 1985, "A learning
/// algorithm for Boltzmann machines", https://doi.org/10.1207/s15516709cog0901_7).
/// </summary>
/// <remarks>
/// No-op at 1. Used only when sampling; temperature 0 is not a valid sampling temperature (use greedy). A temperature so
/// small that dividing by it overflows (1e-39, or 1e-300, which is 0 as a float) takes its limit instead: all the
/// probability on the highest score (ties share it), the others -inf, i.e. greedy; never ±inf or NaN scores.
/// </remarks>
public sealed class TemperatureProcessor(float temperature) : ILogitsProcessor
{
    /// <summary>The temperature (&gt; 0).</summary>
    public float Temperature { get; } = temperature;

    /// <inheritdoc/>
    public void Process(Span<float> scores, DecodingState state)
    {
        if (Temperature == 1f) return;
        // one pass for the largest score and the largest finite magnitude: does dividing overflow?
        float max = float.NegativeInfinity, largest = 0f;
        foreach (var s in scores)
        {
            if (s > max) max = s;
            if (float.IsFinite(s) && Math.Abs(s) > largest) largest = Math.Abs(s);
        }
        if (float.IsFinite(max) && float.IsFinite(largest / Temperature))
        {
            for (int i = 0; i < scores.Length; i++) scores[i] /= Temperature;
            return;
        }
        // the limit t -> 0: shifted scores (s - max) / t are 0 at the maximum and -inf below it
        for (int i = 0; i < scores.Length; i++) scores[i] = scores[i] == max ? 0f : float.NegativeInfinity;
    }
}
