using System.Globalization;
using System.Text.Json;

namespace GptPlayground.Decoding;

/// <summary>The kind of value a decoding setting holds, which decides how it is read, written and edited.</summary>
public enum SettingKind
{
    /// <summary>A whole number (<c>int?</c>).</summary>
    Integer,
    /// <summary>A real number (<c>double?</c>).</summary>
    Number,
    /// <summary>true / false (<c>bool?</c>); a CLI switch.</summary>
    Switch,
    /// <summary>A list of strings (<c>IReadOnlyList&lt;string&gt;?</c>); a repeatable CLI option.</summary>
    Strings,
    /// <summary>An unsigned 64-bit seed (<c>ulong?</c>).</summary>
    Seed,
}

/// <summary>
/// The one description of a decoding setting: its name (the snake_case key of notebooks' YAML, JSON and
/// generation_config.json), type, default, one-sentence meaning, CLI flag, the modes it applies in, the group of the UI
/// panel it sits in and how the one-line summary shows it. Everything that lists the settings (defaults, merging,
/// generation_config reading, the summary, the "ignored in this mode" warnings, notebook YAML, CLI flags and the
/// decoding panel) is generated from <see cref="All"/>.
/// </summary>
/// <remarks>
/// Adding a setting: a property on <see cref="DecodingSettings"/>, one entry in <see cref="All"/> and, when it changes
/// the scores, its processor in <see cref="SamplerChain.ProcessorsFor"/>; range errors go in <see cref="DecodingSettings.Validate"/>.
/// </remarks>
public abstract class DecodingSetting
{
    private protected DecodingSetting(string name, SettingKind kind, string group, string meaning)
    {
        Name = name; Kind = kind; Group = group; Meaning = meaning;
    }

    /// <summary>snake_case name, e.g. "top_p": the notebook YAML key, the JSON key and the generation_config.json key.</summary>
    public string Name { get; }

    /// <summary>The CLI flag, e.g. "top-p" (used as <c>--top-p</c>).</summary>
    public string Flag => Name.Replace('_', '-');

    /// <summary>The kind of value.</summary>
    public SettingKind Kind { get; }

    /// <summary>The decoding panel's group (fieldset legend), e.g. "Sampling filters".</summary>
    public string Group { get; }

    /// <summary>One sentence explaining the setting (the panel's help line).</summary>
    public string Meaning { get; }

    /// <summary>The modes the setting matters in; null for every mode. Set in another mode, it is reported as ignored.</summary>
    public DecodingMode[]? AppliesIn { get; init; }

    /// <summary>Another generation_config.json key read when <see cref="Name"/> is absent (e.g. stop_strings).</summary>
    public string? GenerationConfigAlias { get; init; }

    /// <summary>The panel's numeric step for <see cref="SettingKind.Number"/> settings (e.g. "0.05").</summary>
    public string? Step { get; init; }

    /// <summary>Smallest value the CLI flag accepts before validation (max_new_tokens: 1), if any.</summary>
    public int? CliMinimum { get; init; }

    /// <summary>Place in <see cref="DecodingSettings.Summary"/> (lower first); null: never shown there.</summary>
    public int? SummaryRank { get; init; }

    /// <summary>The .NET type of the value (nullable).</summary>
    public abstract Type ValueType { get; }

    /// <summary>The value in <paramref name="settings"/>, boxed; null when unset.</summary>
    public abstract object? GetValue(DecodingSettings settings);

    /// <summary>A copy of <paramref name="settings"/> with this setting set to <paramref name="value"/> (null unsets it).</summary>
    public abstract DecodingSettings WithValue(DecodingSettings settings, object? value);

    /// <summary>The default value (<see cref="DecodingSettings.Defaults"/>); null for none (seed).</summary>
    public abstract object? DefaultValue { get; }

    /// <summary>True when <paramref name="settings"/> sets a value other than the default.</summary>
    public abstract bool DiffersFromDefault(DecodingSettings settings);

    /// <summary>The summary's words for the value of this setting in (merged) <paramref name="settings"/>, or null.</summary>
    public abstract string? SummaryOf(DecodingSettings settings);

    /// <summary>Reads the setting from a generation_config.json object; null when absent or of the wrong type.</summary>
    public abstract object? ReadGenerationConfig(JsonElement config);

    /// <summary>The value as a validation or summary message shows it ("0.9", "true", "42").</summary>
    public static string Format(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Every decoding setting, in the order of <see cref="DecodingSettings"/> (notebook YAML is written in this order).</summary>
    public static readonly IReadOnlyList<DecodingSetting> All = Build();

    /// <summary>The setting called <paramref name="name"/> (snake_case), or null.</summary>
    public static DecodingSetting? Find(string name) => All.FirstOrDefault(s => s.Name == name);

    static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    static IReadOnlyList<DecodingSetting> Build()
    {
        DecodingMode[] sampling = [DecodingMode.Sample], beam = [DecodingMode.Beam];
        const string Length = "Length", Mode = "Mode", Filters = "Sampling filters", Penalties = "Penalties", Beam = "Beam search";
        return
        [
            new Setting<int>("max_new_tokens", SettingKind.Integer, Length, 128, s => s.MaxNewTokens, (s, v) => s with { MaxNewTokens = v },
                "The most tokens to generate per sequence; generation also stops at end-of-sequence, a stop string or the context length.") { CliMinimum = 1 },
            new Setting<int>("min_new_tokens", SettingKind.Integer, Length, 0, s => s.MinNewTokens, (s, v) => s with { MinNewTokens = v },
                "End-of-sequence is forbidden until this many tokens were generated.") { SummaryRank = 12, Summarize = v => v > 0 ? $"min {v}" : null },
            new Setting<bool>("do_sample", SettingKind.Switch, Mode, false, s => s.DoSample, (s, v) => s with { DoSample = v },
                "Draw each token at random from the processed distribution instead of always taking the most likely one (greedy)."),
            new Setting<double>("temperature", SettingKind.Number, Filters, 1.0, s => s.Temperature, (s, v) => s with { Temperature = v },
                "Divides the logits before sampling: below 1 makes likely tokens likelier, above 1 flattens the distribution.")
                { AppliesIn = sampling, Step = "0.1", SummaryRank = 3, Summarize = v => v != 1 ? $"t={F(v)}" : null },
            new Setting<int>("top_k", SettingKind.Integer, Filters, 50, s => s.TopK, (s, v) => s with { TopK = v },
                "When sampling, keep only the k most likely tokens (ties with the k-th kept); 0 keeps all.")
                { AppliesIn = sampling, SummaryRank = 4, Summarize = v => v != 50 ? $"top-k {v}" : null },
            new Setting<double>("top_p", SettingKind.Number, Filters, 1.0, s => s.TopP, (s, v) => s with { TopP = v },
                "When sampling, keep the smallest set of most likely tokens whose probabilities add up to at least top_p (nucleus sampling).")
                { AppliesIn = sampling, Step = "0.05", SummaryRank = 5, Summarize = v => v != 1 ? $"top-p {F(v)}" : null },
            new Setting<double>("min_p", SettingKind.Number, Filters, 0.0, s => s.MinP, (s, v) => s with { MinP = v },
                "When sampling, drop tokens whose probability is below min_p times that of the most likely token.")
                { AppliesIn = sampling, Step = "0.01", SummaryRank = 6, Summarize = v => v != 0 ? $"min-p {F(v)}" : null },
            new Setting<double>("typical_p", SettingKind.Number, Filters, 1.0, s => s.TypicalP, (s, v) => s with { TypicalP = v },
                "When sampling, keep the tokens whose surprisal is closest to the average surprisal until their probabilities reach typical_p.")
                { AppliesIn = sampling, Step = "0.05", SummaryRank = 7, Summarize = v => v != 1 ? $"typical {F(v)}" : null },
            new Setting<double>("repetition_penalty", SettingKind.Number, Penalties, 1.0, s => s.RepetitionPenalty, (s, v) => s with { RepetitionPenalty = v },
                "Makes every token already in the prompt or output less likely (divides positive logits, multiplies negative ones); 1 is off.")
                { Step = "0.05", SummaryRank = 8, Summarize = v => v != 1 ? $"rep {F(v)}" : null },
            new Setting<double>("presence_penalty", SettingKind.Number, Penalties, 0.0, s => s.PresencePenalty, (s, v) => s with { PresencePenalty = v },
                "Subtracted once from the logit of every token that was already generated (OpenAI semantics); 0 is off.")
                { Step = "0.1", SummaryRank = 9, Summarize = v => v != 0 ? $"presence {F(v)}" : null },
            new Setting<double>("frequency_penalty", SettingKind.Number, Penalties, 0.0, s => s.FrequencyPenalty, (s, v) => s with { FrequencyPenalty = v },
                "Subtracted from a token's logit once per time it was already generated (OpenAI semantics); 0 is off.")
                { Step = "0.1", SummaryRank = 10, Summarize = v => v != 0 ? $"freq {F(v)}" : null },
            new Setting<int>("no_repeat_ngram_size", SettingKind.Integer, Penalties, 0, s => s.NoRepeatNgramSize, (s, v) => s with { NoRepeatNgramSize = v },
                "Forbids any sequence of this many tokens from appearing twice; 0 is off.") { SummaryRank = 11, Summarize = v => v > 0 ? $"no-repeat {v}" : null },
            new Setting<int>("num_beams", SettingKind.Integer, Mode, 1, s => s.NumBeams, (s, v) => s with { NumBeams = v },
                "Beam search width: keep this many best partial sequences at each step; 1 turns beam search off."),
            new Setting<double>("length_penalty", SettingKind.Number, Beam, 1.0, s => s.LengthPenalty, (s, v) => s with { LengthPenalty = v },
                "Beam search ranks finished sequences by their summed log-probability divided by length^length_penalty; above 0 favours longer ones.")
                { AppliesIn = beam, Step = "0.1", SummaryRank = 1, Summarize = v => v != 1 ? $"lp {F(v)}" : null },
            new Setting<bool>("early_stopping", SettingKind.Switch, Beam, false, s => s.EarlyStopping, (s, v) => s with { EarlyStopping = v },
                "Beam search stops as soon as num_beams sequences are finished (true), or when no better one can be found (false).")
                { AppliesIn = beam, SummaryRank = 2, Summarize = v => v ? "early" : null },
            new Setting<int>("num_return_sequences", SettingKind.Integer, Mode, 1, s => s.NumReturnSequences, (s, v) => s with { NumReturnSequences = v },
                "How many sequences to return per prompt: independent samples, or the best beams.") { SummaryRank = 14, Summarize = v => v > 1 ? $"×{v}" : null },
            new StopSetting(Length) { GenerationConfigAlias = "stop_strings", SummaryRank = 13 },
            new Setting<ulong>("seed", SettingKind.Seed, Mode, null, s => s.Seed, (s, v) => s with { Seed = v },
                "Seed of the random draws: the same seed, model, prompt and settings give the same text; empty picks a fresh one.")
                { AppliesIn = sampling, SummaryRank = 15, Summarize = v => $"seed {v}" },
        ];
    }

    /// <summary>A setting whose value is a nullable struct (int, double, bool, ulong).</summary>
    sealed class Setting<T>(string name, SettingKind kind, string group, T? defaultValue, Func<DecodingSettings, T?> get,
        Func<DecodingSettings, T?, DecodingSettings> with, string meaning) : DecodingSetting(name, kind, group, meaning)
        where T : struct
    {
        public Func<T, string?>? Summarize { get; init; }
        public override Type ValueType => typeof(T?);
        public override object? DefaultValue => defaultValue;
        public override object? GetValue(DecodingSettings settings) => get(settings);
        public override DecodingSettings WithValue(DecodingSettings settings, object? value) => with(settings, (T?)value);
        public override bool DiffersFromDefault(DecodingSettings settings) => get(settings) is { } v && !Equals(v, defaultValue);
        public override string? SummaryOf(DecodingSettings settings) => get(settings) is { } v && Summarize is { } f ? f(v) : null;

        public override object? ReadGenerationConfig(JsonElement config)
        {
            if (!config.TryGetProperty(Name, out var v)) return null;
            object? value = Kind switch
            {
                SettingKind.Integer => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null,
                SettingKind.Number => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null,
                SettingKind.Seed => v.ValueKind == JsonValueKind.Number && v.TryGetUInt64(out var u) ? u : null,
                SettingKind.Switch => v.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.String when v.GetString() == "never" => false,   // transformers' third early_stopping mode: closest is false
                    _ => null,
                },
                _ => null,
            };
            return value;
        }
    }

    /// <summary>The stop strings: a list, read from generation_config's stop or stop_strings.</summary>
    sealed class StopSetting(string group) : DecodingSetting("stop", SettingKind.Strings, group,
        "Strings that end a sequence when they appear in the generated text; the stop string itself is not returned.")
    {
        public override Type ValueType => typeof(IReadOnlyList<string>);
        public override object? DefaultValue => Array.Empty<string>();
        public override object? GetValue(DecodingSettings settings) => settings.Stop;
        public override DecodingSettings WithValue(DecodingSettings settings, object? value) => settings with { Stop = (IReadOnlyList<string>?)value };
        public override bool DiffersFromDefault(DecodingSettings settings) => settings.Stop is { Count: > 0 };
        public override string? SummaryOf(DecodingSettings settings) => settings.Stop is { Count: > 0 } stop ? $"stop ×{stop.Count}" : null;

        public override object? ReadGenerationConfig(JsonElement config) =>
            Strings(config, Name) ?? (GenerationConfigAlias is { } alias ? Strings(config, alias) : null);

        static IReadOnlyList<string>? Strings(JsonElement config, string name) => config.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => [v.GetString()!],
            JsonValueKind.Array => v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray(),
            _ => null,
        } : null;
    }
}
