using GptPlayground.Decoding;

namespace GptPlayground.Components.Decoding;

/// <summary>A named starting point for a decoding variant ("Add variant").</summary>
/// <param name="Label">What the menu shows, e.g. "Balanced (t=0.7, top-p 0.9)".</param>
/// <param name="Name">Variant name it suggests (no whitespace, backticks or '=').</param>
/// <param name="Settings">The values it sets; everything else comes from the notebook's defaults.</param>
public sealed record DecodingPreset(string Label, string Name, DecodingSettings Settings);

/// <summary>The presets of the "Add variant" menu.</summary>
public static class DecodingPresets
{
    /// <summary>Greedy; Beam 4; Precise t=0.3; Balanced t=0.7 top-p 0.9; Creative t=1.0 top-p 0.95; Custom (the notebook's defaults).</summary>
    public static readonly IReadOnlyList<DecodingPreset> All =
    [
        new("Greedy", "greedy", new DecodingSettings { DoSample = false, NumBeams = 1 }),
        new("Beam 4", "beam-4", new DecodingSettings { DoSample = false, NumBeams = 4 }),
        new("Precise (t=0.3)", "precise", new DecodingSettings { DoSample = true, Temperature = 0.3 }),
        new("Balanced (t=0.7, top-p 0.9)", "balanced", new DecodingSettings { DoSample = true, Temperature = 0.7, TopP = 0.9 }),
        new("Creative (t=1.0, top-p 0.95)", "creative", new DecodingSettings { DoSample = true, Temperature = 1.0, TopP = 0.95 }),
        new("Custom", "custom", new DecodingSettings()),
    ];

    /// <summary>Finds a preset by its <see cref="DecodingPreset.Name"/>.</summary>
    /// <exception cref="ArgumentException">No such preset; the message lists them.</exception>
    public static DecodingPreset Get(string name) =>
        All.FirstOrDefault(p => p.Name == name)
        ?? throw new ArgumentException($"no decoding preset '{name}' (presets: {string.Join(", ", All.Select(p => p.Name))})", nameof(name));

    /// <summary><paramref name="name"/>, or name-2, name-3... if a variant already has it.</summary>
    public static string UniqueName(string name, IEnumerable<string> taken)
    {
        var used = taken.ToHashSet(StringComparer.Ordinal);
        if (!used.Contains(name)) return name;
        for (int i = 2; ; i++)
            if (!used.Contains($"{name}-{i}")) return $"{name}-{i}";
    }
}
