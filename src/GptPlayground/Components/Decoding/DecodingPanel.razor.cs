using System.Globalization;
using GptPlayground.Decoding;
using GptPlayground.Notebooks;
using Microsoft.AspNetCore.Components;

namespace GptPlayground.Components.Decoding;

/// <summary>
/// Edits a <see cref="DecodingSettings"/> (two-way: <see cref="Value"/> / <see cref="ValueChanged"/>). Every setting of
/// the decoding suite (<see cref="DecodingSetting.All"/>, grouped by <see cref="DecodingSetting.Group"/>) has a field, its one-sentence explanation (<see cref="DecodingSettings.Describe"/>) and, inline,
/// the errors and "ignored in this mode" warnings of <see cref="DecodingSettings.Validate"/> about it. An empty field is
/// unset: it inherits from <see cref="Inherited"/> (a notebook's defaults), then the model, then the defaults; the
/// placeholder shows the inherited value.
/// </summary>
public sealed partial class DecodingPanel
{
    static int instances;
    readonly string idPrefix = $"dec{Interlocked.Increment(ref instances)}-";
    string? seedText;
    string? seedError;

    /// <summary>The fieldsets: every setting under its group, groups in the order they first appear.</summary>
    static readonly IReadOnlyList<IGrouping<string, DecodingSetting>> Groups = DecodingSetting.All.GroupBy(d => d.Group).ToArray();

    /// <summary>The settings edited here (only the values set on this level).</summary>
    [Parameter] public DecodingSettings Value { get; set; } = new();

    /// <summary>Raised with the new settings after every change.</summary>
    [Parameter] public EventCallback<DecodingSettings> ValueChanged { get; set; }

    /// <summary>Settings underneath (the notebook's defaults for a variant); null for none.</summary>
    [Parameter] public DecodingSettings? Inherited { get; set; }

    /// <summary>The model's context length, if known: max_new_tokens is checked against it.</summary>
    [Parameter] public int? ContextLength { get; set; }

    /// <summary>The prompt's length in tokens, if known.</summary>
    [Parameter] public int? PromptLength { get; set; }

    /// <summary>Accessible name of the panel (default "Decoding settings").</summary>
    [Parameter] public string AriaLabel { get; set; } = "Decoding settings";

    /// <summary>These settings over the inherited ones: what a run uses (before the model's generation_config).</summary>
    public DecodingSettings Effective => DecodingSettings.Merge(Inherited, Value);

    /// <summary>Validation of <see cref="Effective"/>.</summary>
    public DecodingValidation Validation => Effective.Validate(ContextLength, PromptLength);

    /// <inheritdoc/>
    protected override void OnParametersSet()
    {
        if (seedError is null) seedText = Value.Seed?.ToString(CultureInfo.InvariantCulture);
    }

    string Id(string name) => idPrefix + name;

    /// <summary>"default 0.9" or "notebook 0.7": where an empty field's value comes from.</summary>
    string Placeholder(DecodingSetting setting)
    {
        if (Inherited is not null && setting.GetValue(Inherited) is { } inherited) return $"notebook: {Format(inherited)}";
        return setting.DefaultValue is { } d ? $"default: {Format(d)}" : "";
    }

    string Tri(DecodingSetting setting) =>
        setting.GetValue(Value) is bool value ? value ? "true" : "false" : $"(unset: {Placeholder(setting)})";

    static string Format(object value) => value switch
    {
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>The stop strings, one per line; a newline inside one is written \n.</summary>
    string StopText => string.Join("\n", (Value.Stop ?? []).Select(s => s.Replace("\\", "\\\\").Replace("\n", "\\n")));

    Task SetStop(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n').Where(l => l.Length > 0)
            .Select(l => l.Replace("\\n", "\n").Replace("\\\\", "\\")).ToArray();
        return Set(Value with { Stop = lines.Length == 0 ? null : lines });
    }

    Task SetSeed(string text)
    {
        text = text.Trim();
        if (text.Length == 0) { seedError = null; return Set(Value with { Seed = null }); }
        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seed))
        {
            seedText = text;
            seedError = $"seed (={text}) must be a whole number from 0 to {ulong.MaxValue}; leave it empty for a fresh seed each run";
            return Task.CompletedTask;
        }
        seedError = null;
        return Set(Value with { Seed = seed });
    }

    Task Set(DecodingSettings next)
    {
        Value = next;
        return ValueChanged.InvokeAsync(next);
    }
}
