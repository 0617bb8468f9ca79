using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GptPlayground.Decoding;

/// <summary>Defaults, resolution, validation, summary and descriptions of the decoding settings.</summary>
public sealed partial record DecodingSettings
{
    /// <summary>
    /// The value of every setting when neither the caller nor the model's <c>generation_config.json</c> sets it
    /// (each <see cref="DecodingSetting.DefaultValue"/>): greedy decoding of up to 128 tokens. top_k is 50 as in
    /// transformers (it only matters when sampling).
    /// </summary>
    public static readonly DecodingSettings Defaults =
        DecodingSetting.All.Aggregate(new DecodingSettings(), (s, d) => d.WithValue(s, d.DefaultValue));

    /// <summary>The setting names (snake_case), in the order of the record.</summary>
    public static IReadOnlyList<string> Names { get; } = DecodingSetting.All.Select(d => d.Name).ToArray();

    /// <summary>One sentence explaining a setting, for the UI's decoding panel.</summary>
    /// <param name="name">The snake_case name, e.g. "top_p".</param>
    /// <exception cref="ArgumentException">Not a setting name; the message lists the valid ones.</exception>
    public static string Describe(string name) =>
        DecodingSetting.Find(name)?.Meaning
        ?? throw new ArgumentException($"'{name}' is not a decoding setting (valid: {string.Join(", ", Names)})", nameof(name));

    /// <summary>
    /// These settings with every unset value filled in: first from the model's <c>generation_config.json</c>
    /// (same snake_case names; <c>stop_strings</c> is read as <c>stop</c>), else from <see cref="Defaults"/>.
    /// The default max_new_tokens is capped at the model's context length.
    /// When sampling without a seed, a fresh random seed is drawn here so the caller can show or store it.
    /// </summary>
    /// <param name="fromModel">The model's defaults (its generation_config.json, see <see cref="FromGenerationConfig"/>); null: none.</param>
    /// <param name="contextLength">The model's context length, if known.</param>
    public DecodingSettings Resolve(DecodingSettings? fromModel = null, int? contextLength = null)
    {
        fromModel ??= new DecodingSettings();
        var merged = Merge(Merge(Defaults, fromModel), this);
        if (MaxNewTokens is null && fromModel.MaxNewTokens is null && contextLength is int context && context < merged.MaxNewTokens)
            merged = merged with { MaxNewTokens = context };                  // the default never exceeds a short context
        if (merged.DoSample == true && merged.Seed is null)
            merged = merged with { Seed = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) };
        return merged;
    }

    /// <summary>Reads the decoding settings a Hugging Face <c>generation_config.json</c> object holds; values of the wrong type are ignored.</summary>
    public static DecodingSettings FromGenerationConfig(JsonElement config) =>
        DecodingSetting.All.Aggregate(new DecodingSettings(), (s, d) => d.WithValue(s, d.ReadGenerationConfig(config)));

    /// <summary>Every value set in <paramref name="over"/> replaces the one in <paramref name="under"/> (null: nothing set).</summary>
    public static DecodingSettings Merge(DecodingSettings? under, DecodingSettings? over)
    {
        if (under is null) return over ?? new DecodingSettings();
        if (over is null) return under;
        return DecodingSetting.All.Aggregate(under, (s, d) => d.GetValue(over) is { } value ? d.WithValue(s, value) : s);
    }

    /// <summary>The decoding mode these settings select (unset values count as their defaults).</summary>
    [JsonIgnore] public DecodingMode Mode => (NumBeams ?? 1) > 1 ? DecodingMode.Beam : DoSample == true ? DecodingMode.Sample : DecodingMode.Greedy;

    /// <summary>
    /// Checks every value (unset ones count as <see cref="Defaults"/>). Errors are values that cannot run; warnings
    /// are settings the chosen mode ignores (e.g. top_p without sampling). Each message names the parameter,
    /// shows its value and says what to do.
    /// </summary>
    /// <param name="contextLength">The model's context length, if known: max_new_tokens must fit in it.</param>
    /// <param name="promptLength">The longest prompt's length, if known: with the context length, bounds max_new_tokens further.</param>
    /// <param name="limits">The resource limits (<see cref="DecodingLimits.Default"/> when null).</param>
    public DecodingValidation Validate(int? contextLength = null, int? promptLength = null, DecodingLimits? limits = null)
    {
        var limit = limits ?? DecodingLimits.Default;
        var s = Merge(Defaults, this);
        var errors = new List<DecodingIssue>();
        var warnings = new List<DecodingIssue>();
        void Error(string name, string message) => errors.Add(new DecodingIssue(name, message));
        void Warn(string name, string message) => warnings.Add(new DecodingIssue(name, message));
        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        static bool Bad(double v) => double.IsNaN(v) || double.IsInfinity(v);

        int maxNew = s.MaxNewTokens!.Value, beams = s.NumBeams!.Value, n = s.NumReturnSequences!.Value;
        bool sample = s.DoSample!.Value;
        double t = s.Temperature!.Value, topP = s.TopP!.Value, minP = s.MinP!.Value, typical = s.TypicalP!.Value;

        if (maxNew < 1) Error("max_new_tokens", $"max_new_tokens (={maxNew}) must be >= 1; set how many tokens to generate, e.g. 64");
        else if (contextLength is int c && maxNew > c)
            Error("max_new_tokens", $"max_new_tokens (={maxNew}) exceeds the model's context length ({c}); use at most {c - (promptLength ?? 0)}");
        else if (contextLength is int c2 && promptLength is int p && p + maxNew > c2)
            Warn("max_new_tokens", $"max_new_tokens (={maxNew}) does not fit after the {p}-token prompt in the {c2}-token context; generation stops at the context length (finish reason 'context')");
        if (s.MinNewTokens < 0) Error("min_new_tokens", $"min_new_tokens (={s.MinNewTokens}) must be >= 0; use 0 to allow end-of-sequence at once");
        else if (s.MinNewTokens > maxNew) Warn("min_new_tokens", $"min_new_tokens (={s.MinNewTokens}) is more than max_new_tokens (={maxNew}): end-of-sequence is banned for the whole generation");

        if (Bad(t) || t < 0) Error("temperature", $"temperature (={F(t)}) must be >= 0; use 1.0 for the model's own distribution, lower for more focused text");
        else if (t == 0 && sample) Error("temperature", $"temperature (={F(t)}) must be > 0 when sampling; for greedy decoding turn sampling off (do_sample=false)");
        if (s.TopK < 0) Error("top_k", $"top_k (={s.TopK}) must be >= 0; use 0 to keep every token");
        if (Bad(topP) || topP <= 0 || topP > 1) Error("top_p", $"top_p (={F(topP)}) must be in (0, 1]; use 1.0 to turn nucleus filtering off");
        if (Bad(minP) || minP < 0 || minP > 1) Error("min_p", $"min_p (={F(minP)}) must be in [0, 1]; use 0 to turn min-p filtering off");
        if (Bad(typical) || typical <= 0 || typical > 1) Error("typical_p", $"typical_p (={F(typical)}) must be in (0, 1]; use 1.0 to turn typical filtering off");
        double rp = s.RepetitionPenalty!.Value;
        if (Bad(rp) || rp <= 0) Error("repetition_penalty", $"repetition_penalty (={F(rp)}) must be > 0; use 1.0 for no penalty, e.g. 1.2 to discourage repeats");
        foreach (var (name, v) in new[] { ("presence_penalty", s.PresencePenalty!.Value), ("frequency_penalty", s.FrequencyPenalty!.Value) })
            if (Bad(v) || v < -2 || v > 2) Error(name, $"{name} (={F(v)}) must be between -2 and 2 (OpenAI's range); use 0 for no penalty");
        if (s.NoRepeatNgramSize < 0) Error("no_repeat_ngram_size", $"no_repeat_ngram_size (={s.NoRepeatNgramSize}) must be >= 0; use 0 to allow repeated n-grams");
        if (beams < 1) Error("num_beams", $"num_beams (={beams}) must be >= 1; use 1 for no beam search");
        else if (beams > limit.MaxBeams) Error("num_beams", $"num_beams (={beams}) is over this server's limit of {limit.MaxBeams} beams (Playground:MaxBeams); use fewer beams");
        if (n > limit.MaxSequences) Error("num_return_sequences", $"num_return_sequences (={n}) is over this server's limit of {limit.MaxSequences} sequences per request (Playground:MaxSequences); ask for fewer");
        if (maxNew > limit.MaxNewTokens) Error("max_new_tokens", $"max_new_tokens (={maxNew}) is over this server's limit of {limit.MaxNewTokens} (Playground:MaxNewTokens)");
        double lp = s.LengthPenalty!.Value;
        if (Bad(lp)) Error("length_penalty", $"length_penalty (={F(lp)}) must be a finite number; use 1.0 (the default)");
        if (n < 1) Error("num_return_sequences", $"num_return_sequences (={n}) must be >= 1");
        else if (!sample && beams >= 1 && n > beams)
            Error("num_return_sequences", beams == 1
                ? $"num_return_sequences (={n}) must be 1 for greedy decoding (every sequence would be the same); turn sampling on (do_sample=true) or use beam search with num_beams >= {n}"
                : $"num_return_sequences (={n}) must be <= num_beams (={beams}); raise num_beams or lower num_return_sequences");
        if (sample && beams > 1)
            Error("num_beams", $"num_beams (={beams}) with do_sample=true (beam sampling) is not supported; set do_sample=false for beam search or num_beams=1 for sampling");
        for (int i = 0; i < s.Stop!.Count; i++)
            if (string.IsNullOrEmpty(s.Stop[i])) Error("stop", $"stop[{i}] (=\"\") is empty: an empty stop string would end generation at once; remove it");

        // settings the chosen mode ignores (DecodingSetting.AppliesIn), sampling ones first
        string why = beams > 1 ? "beam search does not sample" : "greedy decoding takes the most likely token";
        foreach (var d in DecodingSetting.All.Where(d => d.AppliesIn is [DecodingMode.Sample] && !sample && d.DiffersFromDefault(s)))
            Warn(d.Name, $"{d.Name} (={DecodingSetting.Format(d.GetValue(s)!)}) is ignored: {why}; set do_sample=true to use it");
        foreach (var d in DecodingSetting.All.Where(d => d.AppliesIn is [DecodingMode.Beam] && beams == 1 && d.DiffersFromDefault(s)))
            Warn(d.Name, $"{d.Name} (={DecodingSetting.Format(d.GetValue(s)!)}) is ignored without beam search; set num_beams > 1 to use it");
        return new DecodingValidation(errors, warnings);
    }

    /// <summary>
    /// A one-line description for column headers: the mode and every setting that differs from its default,
    /// e.g. "sample t=0.7 top-p 0.9 seed 42", "greedy rep 1.2", "beam 4 lp 0.8 early ×2".
    /// </summary>
    public string Summary()
    {
        var s = Merge(Defaults, this);
        var mode = Mode;
        var words = DecodingSetting.All
            .Where(d => d.SummaryRank is not null && (d.AppliesIn is null || d.AppliesIn.Contains(mode)))
            .OrderBy(d => d.SummaryRank)
            .Select(d => d.SummaryOf(s))
            .OfType<string>();
        string head = mode switch { DecodingMode.Beam => $"beam {s.NumBeams}", DecodingMode.Sample => "sample", _ => "greedy" };
        return string.Join(" ", words.Prepend(head));
    }
}

/// <summary>How tokens are picked.</summary>
public enum DecodingMode
{
    /// <summary>The most likely token after the penalties (do_sample=false, num_beams=1).</summary>
    Greedy,
    /// <summary>A seeded random draw from the processed distribution (do_sample=true).</summary>
    Sample,
    /// <summary>Beam search (num_beams &gt; 1, do_sample=false).</summary>
    Beam,
}

/// <summary>One validation message.</summary>
/// <param name="Parameter">The snake_case setting it is about.</param>
/// <param name="Message">What is wrong and how to fix it, e.g. "temperature (=-1) must be &gt;= 0; ...".</param>
public sealed record DecodingIssue(string Parameter, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => Message;
}

/// <summary>The result of <see cref="DecodingSettings.Validate"/>: errors block a run, warnings are shown.</summary>
/// <param name="Errors">Values that cannot run.</param>
/// <param name="Warnings">Settings that the chosen mode ignores, or that will not do what they say.</param>
public sealed record DecodingValidation(IReadOnlyList<DecodingIssue> Errors, IReadOnlyList<DecodingIssue> Warnings)
{
    /// <summary>True when there are no errors.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>Throws an <see cref="ArgumentException"/> listing every error, if there is any.</summary>
    /// <exception cref="ArgumentException">At least one error; the message joins them with " | ".</exception>
    public void ThrowIfInvalid()
    {
        if (!IsValid) throw new ArgumentException(string.Join(" | ", Errors.Select(e => e.Message)));
    }
}
