using System.Globalization;
using GptPlayground.Decoding;

namespace GptPlayground.Cli;

/// <summary>
/// The decoding settings as CLI flags, generated from <see cref="DecodingSetting.All"/>: every setting as its kebab-case
/// flag (<c>top_p</c> → <c>--top-p</c>). A flag not given leaves the setting unset, so the model's
/// generation_config.json or the default applies.
/// </summary>
public static class DecodingFlags
{
    /// <summary>Flags that take a value (--stop may repeat).</summary>
    public static readonly string[] Options = DecodingSetting.All.Where(d => d.Kind != SettingKind.Switch).Select(d => d.Flag).ToArray();

    /// <summary>Flags without a value (also --flag=true / --flag=false).</summary>
    public static readonly string[] Switches = DecodingSetting.All.Where(d => d.Kind == SettingKind.Switch).Select(d => d.Flag).ToArray();

    /// <summary>Reads the decoding flags of <paramref name="a"/>; <paramref name="raw"/> are the verb's arguments (for --switch=false).</summary>
    /// <exception cref="CliException">A value that is not a number of the right kind.</exception>
    public static DecodingSettings Parse(CliArgs a, IReadOnlyList<string> raw) =>
        DecodingSetting.All.Aggregate(new DecodingSettings(), (settings, d) => d.WithValue(settings, Value(d, a, raw)));

    static object? Value(DecodingSetting d, CliArgs a, IReadOnlyList<string> raw) => d.Kind switch
    {
        SettingKind.Integer => a.Get(d.Flag) is null ? null : a.GetInt(d.Flag, 0, d.CliMinimum ?? int.MinValue),
        SettingKind.Number => Double(a, d.Flag),
        SettingKind.Switch => Switch(raw, d.Flag),
        SettingKind.Strings => a.GetAll(d.Flag) is { Count: > 0 } values ? values.Select(Unescape).ToArray() : null,
        SettingKind.Seed => a.Get(d.Flag) is { } seed
            ? ulong.TryParse(seed, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : throw new CliException($"--{d.Flag} (={seed}) must be a non-negative integer")
            : null,
        _ => throw new InvalidOperationException($"no CLI reading for {d.Kind}"),
    };

    /// <summary>A validation message in CLI terms: "top_p (=2) ..." becomes "--top-p (=2) ...".</summary>
    public static string ForCli(DecodingIssue issue) =>
        issue.Message.StartsWith(issue.Parameter, StringComparison.Ordinal)
            ? "--" + issue.Parameter.Replace('_', '-') + issue.Message[issue.Parameter.Length..]
            : issue.Message;

    static double? Double(CliArgs a, string name)
    {
        var text = a.Get(name);
        if (text is null) return null;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v : throw new CliException($"--{name} (={text}) must be a number, e.g. 0.9");
    }

    /// <summary>true for --name or --name=true, false for --name=false, null when absent (the last one wins).</summary>
    static bool? Switch(IReadOnlyList<string> raw, string name)
    {
        bool? value = null;
        foreach (var arg in raw)
        {
            if (arg == "--" + name) value = true;
            else if (arg.StartsWith("--" + name + "=", StringComparison.Ordinal) && bool.TryParse(arg[(name.Length + 3)..], out var b)) value = b;
        }
        return value;
    }

    /// <summary>Lets a shell user write a newline stop as \n (and \t, \\).</summary>
    static string Unescape(string s) => s.Replace("\\\\", "\u0000").Replace("\\n", "\n").Replace("\\t", "\t").Replace("\u0000", "\\");
}
