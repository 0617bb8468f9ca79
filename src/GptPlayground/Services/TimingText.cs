using System.Globalization;
using GptPlayground.Inference.Generation;

namespace GptPlayground.Services;

/// <summary>
/// How every front end words a run's timings (a notebook column, the Models page's "Try it", <c>generate</c>'s
/// summary): model load, prompt prefill and decode apart, so that a first run's load is never read as slow decoding,
/// and a decode rate only when there were enough steps to time (one step after the prefill is no rate).
/// </summary>
public static class TimingText
{
    /// <summary>Fewer decode steps than this are shown as "N steps in T ms", not as tokens/s.</summary>
    public const int MinStepsForRate = 4;

    /// <summary>
    /// "load 812 ms · prefill 3.1 ms · decode 45.2 tokens/s", or "... · decode 1 step in 9.0 ms"; parts that did not
    /// happen are left out (no load when the model was loaded already, no decode before the second token).
    /// </summary>
    /// <param name="stats">The engine's timings of the run.</param>
    /// <param name="sequences">Sequences decoded together (the rate is over all of them).</param>
    /// <param name="load">Time spent loading the model for this run; null when it was loaded already.</param>
    public static string Of(GenerationStats stats, int sequences, TimeSpan? load = null)
    {
        List<string> parts = [];
        if (load is { } l) parts.Add($"load {Ms(l)}");
        if (stats.Prefill > TimeSpan.Zero) parts.Add($"prefill {Ms(stats.Prefill)}");
        if (Decode(stats, sequences) is { } decode) parts.Add(decode);
        return string.Join(" · ", parts);
    }

    /// <summary>"decode 45.2 tokens/s", "decode 2 steps in 9.0 ms", or null before any decode step.</summary>
    public static string? Decode(GenerationStats stats, int sequences) =>
        stats.DecodeSteps == 0 ? null
        : stats.DecodeSteps < MinStepsForRate ? $"decode {stats.DecodeSteps} step{(stats.DecodeSteps == 1 ? "" : "s")} in {Ms(stats.Decode)}"
        : $"decode {stats.DecodeTokensPerSecond(Math.Max(1, sequences)).ToString("0.0", CultureInfo.InvariantCulture)} tokens/s";

    /// <summary>"812 ms", "3.1 ms", "1.25 s".</summary>
    public static string Ms(TimeSpan t) => t.TotalSeconds >= 1
        ? t.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s"
        : t.TotalMilliseconds.ToString(t.TotalMilliseconds >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture) + " ms";
}
