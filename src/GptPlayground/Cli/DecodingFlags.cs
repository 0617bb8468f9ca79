using System.Globalization;
using GptPlayground.Inference.Decoding;

namespace GptPlayground.Cli;

/// <summary>
/// The decoding settings as CLI flags: every <see cref="DecodingSettings"/> property as its kebab-case name
/// (<c>top_p</c> → <c>--top-p</c>). A flag not given leaves the setting unset, so the model's
/// generation_config.json or the default applies.
/// </summary>
public static class DecodingFlags
{
    /// <summary>Flags that take a value (--stop may repeat).</summary>
    public static readonly string[] Options =
    [
        "max-new-tokens", "min-new-tokens", "temperature", "top-k", "top-p", "min-p", "typical-p", "repetition-penalty",
        "presence-penalty", "frequency-penalty", "no-repeat-ngram-size", "num-beams", "length-penalty",
        "num-return-sequences", "stop", "seed",
    ];

    /// <summary>Flags without a value (also --flag=true / --flag=false).</summary>
    public static readonly string[] Switches = ["do-sample", "early-stopping"];

    /// <summary>Reads the decoding flags of <paramref name="a"/>; <paramref name="raw"/> are the verb's arguments (for --switch=false).</summary>
    /// <exception cref="CliException">A value that is not a number of the right kind.</exception>
    public static DecodingSettings Parse(CliArgs a, IReadOnlyList<string> raw) => new()
    {
        MaxNewTokens = a.Get("max-new-tokens") is null ? null : a.GetInt("max-new-tokens", 0, 1),
        MinNewTokens = Int(a, "min-new-tokens"),
        DoSample = Switch(raw, "do-sample"),
        Temperature = Double(a, "temperature"),
        TopK = Int(a, "top-k"),
        TopP = Double(a, "top-p"),
        MinP = Double(a, "min-p"),
        TypicalP = Double(a, "typical-p"),
        RepetitionPenalty = Double(a, "repetition-penalty"),
        PresencePenalty = Double(a, "presence-penalty"),
        FrequencyPenalty = Double(a, "frequency-penalty"),
        NoRepeatNgramSize = Int(a, "no-repeat-ngram-size"),
        NumBeams = Int(a, "num-beams"),
        LengthPenalty = Double(a, "length-penalty"),
        EarlyStopping = Switch(raw, "early-stopping"),
        NumReturnSequences = Int(a, "num-return-sequences"),
        Stop = a.GetAll("stop") is { Count: > 0 } stops ? stops.Select(Unescape).ToArray() : null,
        Seed = a.Get("seed") is { } seed
            ? ulong.TryParse(seed, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : throw new CliException($"--seed (={seed}) must be a non-negative integer")
            : null,
    };

    /// <summary>A validation message in CLI terms: "top_p (=2) ..." becomes "--top-p (=2) ...".</summary>
    public static string ForCli(DecodingIssue issue) =>
        issue.Message.StartsWith(issue.Parameter, StringComparison.Ordinal)
            ? "--" + issue.Parameter.Replace('_', '-') + issue.Message[issue.Parameter.Length..]
            : issue.Message;

    static int? Int(CliArgs a, string name) => a.Get(name) is null ? null : a.GetInt(name, 0);

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
