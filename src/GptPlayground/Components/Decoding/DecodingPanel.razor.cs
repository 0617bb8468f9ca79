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
    readonly Dictionary<string, string> numberTexts = [];    // what was typed into a number field that did not parse
    readonly Dictionary<string, string> numberErrors = [];

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

    Task SetStop(string? text)
    {
        var lines = (text ?? "").Replace("\r\n", "\n").Split('\n').Where(l => l.Length > 0)
            .Select(l => l.Replace("\\n", "\n").Replace("\\\\", "\\")).ToArray();
        return Set(Value with { Stop = lines.Length == 0 ? null : lines });
    }

    /// <summary>The field's text: what the user typed when it did not parse, else the value.</summary>
    string NumberText(DecodingSetting setting) =>
        numberTexts.TryGetValue(setting.Name, out var typed) ? typed : setting.GetValue(Value) is { } v ? Format(v) : "";

    /// <summary>
    /// Parses a number field (invariant culture, "1e-3" allowed). Empty unsets it. Text that is not a finite number, or
    /// a whole number out of range, stays in the field with a message; range rules are <see cref="DecodingSettings.Validate"/>'s.
    /// </summary>
    Task SetNumber(DecodingSetting setting, string? text)
    {
        text = (text ?? "").Trim();
        var name = setting.Name;
        object? value = null;
        string? error = null;
        if (text.Length > 0 && setting.Kind == SettingKind.Integer)
        {
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)) value = i;
            else error = $"{name} (={text}) must be a whole number from {int.MinValue} to {int.MaxValue}; leave it empty to inherit";
        }
        else if (text.Length > 0)
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)) value = d;
            else error = $"{name} (={text}) is not a number (use a dot for decimals, e.g. 0.7 or 1e-3); leave it empty to inherit";
        }
        if (error is not null)
        {
            numberTexts[name] = text;
            numberErrors[name] = error;
            StateHasChanged();
            return Task.CompletedTask;
        }
        numberTexts.Remove(name);
        numberErrors.Remove(name);
        return Set(setting.WithValue(Value, value));
    }

    Task SetSeed(string? text)
    {
        text = (text ?? "").Trim();
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
