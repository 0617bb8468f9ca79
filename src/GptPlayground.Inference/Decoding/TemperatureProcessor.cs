namespace GptPlayground.Inference.Decoding;

/// <summary>
/// Temperature as transformers' <c>TemperatureLogitsWarper</c>: every score divided by the temperature.
/// Below 1 sharpens the distribution, above 1 flattens it (Ackley, Hinton, Sejnowski 1985, "A learning
/// algorithm for Boltzmann machines", https://doi.org/10.1207/s15516709cog0901_7).
/// </summary>
/// <remarks>No-op at 1. Used only when sampling; temperature 0 is not a valid sampling temperature (use greedy).</remarks>
public sealed class TemperatureProcessor(float temperature) : ILogitsProcessor
{
    /// <summary>The temperature (&gt; 0).</summary>
    public float Temperature { get; } = temperature;

    /// <inheritdoc/>
    public void Process(Span<float> scores, DecodingState state)
    {
        if (Temperature == 1f) return;
        for (int i = 0; i < scores.Length; i++) scores[i] /= Temperature;
    }
}
