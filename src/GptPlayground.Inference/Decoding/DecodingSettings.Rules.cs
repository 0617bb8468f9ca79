using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GptPlayground.Inference.Decoding;

/// <summary>Defaults, resolution, validation, summary and descriptions of the decoding settings.</summary>
public sealed partial record DecodingSettings
{
    /// <summary>
    /// The value of every setting when neither the caller nor the model's <c>generation_config.json</c> sets it:
    /// greedy decoding of up to 128 tokens. top_k is 50 as in transformers (it only matters when sampling).
    /// </summary>
    public static readonly DecodingSettings Defaults = new()
    {
        MaxNewTokens = 128,
        MinNewTokens = 0,
        DoSample = false,
        Temperature = 1.0,
        TopK = 50,
        TopP = 1.0,
        MinP = 0.0,
        TypicalP = 1.0,
        RepetitionPenalty = 1.0,
        PresencePenalty = 0.0,
        FrequencyPenalty = 0.0,
        NoRepeatNgramSize = 0,
        NumBeams = 1,
        LengthPenalty = 1.0,
        EarlyStopping = false,
        NumReturnSequences = 1,
        Stop = [],
    };

    /// <summary>The setting names (snake_case), in the order of the record.</summary>
    public static IReadOnlyList<string> Names => Descriptions.Keys.ToArray();

    static readonly Dictionary<string, string> Descriptions = new()
    {
        ["max_new_tokens"] = "The most tokens to generate per sequence; generation also stops at end-of-sequence, a stop string or the context length.",
        ["min_new_tokens"] = "End-of-sequence is forbidden until this many tokens were generated.",
        ["do_sample"] = "Draw each token at random from the processed distribution instead of always taking the most likely one (greedy).",
        ["temperature"] = "Divides the logits before sampling: below 1 makes likely tokens likelier, above 1 flattens the distribution.",
        ["top_k"] = "When sampling, keep only the k most likely tokens (ties with the k-th kept); 0 keeps all.",
        ["top_p"] = "When sampling, keep the smallest set of most likely tokens whose probabilities add up to at least top_p (nucleus sampling).",
        ["min_p"] = "When sampling, drop tokens whose probability is below min_p times that of the most likely token.",
        ["typical_p"] = "When sampling, keep the tokens whose surprisal is closest to the average surprisal until their probabilities reach typical_p.",
        ["repetition_penalty"] = "Makes every token already in the prompt or output less likely (divides positive logits, multiplies negative ones); 1 is off.",
        ["presence_penalty"] = "Subtracted once from the logit of every token that was already generated (OpenAI semantics); 0 is off.",
        ["frequency_penalty"] = "Subtracted from a token's logit once per time it was already generated (OpenAI semantics); 0 is off.",
        ["no_repeat_ngram_size"] = "Forbids any sequence of this many tokens from appearing twice; 0 is off.",
        ["num_beams"] = "Beam search width: keep this many best partial sequences at each step; 1 turns beam search off.",
        ["length_penalty"] = "Beam search ranks finished sequences by their summed log-probability divided by length^length_penalty; above 0 favours longer ones.",
        ["early_stopping"] = "Beam search stops as soon as num_beams sequences are finished (true), or when no better one can be found (false).",
        ["num_return_sequences"] = "How many sequences to return per prompt: independent samples, or the best beams.",
        ["stop"] = "Strings that end a sequence when they appear in the generated text; the stop string itself is not returned.",
        ["seed"] = "Seed of the random draws: the same seed, model, prompt and settings give the same text; empty picks a fresh one.",
    };

    /// <summary>One sentence explaining a setting, for the UI's decoding panel.</summary>
    /// <param name="name">The snake_case name, e.g. "top_p".</param>
    /// <exception cref="ArgumentException">Not a setting name; the message lists the valid ones.</exception>
    public static string Describe(string name) =>
        Descriptions.TryGetValue(name, out var text) ? text
        : throw new ArgumentException($"'{name}' is not a decoding setting (valid: {string.Join(", ", Descriptions.Keys)})", nameof(name));

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
    public static DecodingSettings FromGenerationConfig(JsonElement config)
    {
        int? Int(string n) => config.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;
        double? Dbl(string n) => config.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
        bool? Bool(string n) => config.TryGetProperty(n, out var v) ? v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when v.GetString() == "never" => false,   // transformers' third early_stopping mode: closest is false
            _ => null,
        } : null;
        IReadOnlyList<string>? Strings(string n) => config.TryGetProperty(n, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => [v.GetString()!],
            JsonValueKind.Array => v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray(),
            _ => null,
        } : null;
        ulong? Seed() => config.TryGetProperty("seed", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetUInt64(out var u) ? u : null;
        return new DecodingSettings
        {
            MaxNewTokens = Int("max_new_tokens"),
            MinNewTokens = Int("min_new_tokens"),
            DoSample = Bool("do_sample"),
            Temperature = Dbl("temperature"),
            TopK = Int("top_k"),
            TopP = Dbl("top_p"),
            MinP = Dbl("min_p"),
            TypicalP = Dbl("typical_p"),
            RepetitionPenalty = Dbl("repetition_penalty"),
            PresencePenalty = Dbl("presence_penalty"),
            FrequencyPenalty = Dbl("frequency_penalty"),
            NoRepeatNgramSize = Int("no_repeat_ngram_size"),
            NumBeams = Int("num_beams"),
            LengthPenalty = Dbl("length_penalty"),
            EarlyStopping = Bool("early_stopping"),
            NumReturnSequences = Int("num_return_sequences"),
            Stop = Strings("stop") ?? Strings("stop_strings"),
            Seed = Seed(),
        };
    }

    /// <summary>Every value set in <paramref name="over"/> replaces the one in <paramref name="under"/>.</summary>
    static DecodingSettings Merge(DecodingSettings under, DecodingSettings over) => new()
    {
        MaxNewTokens = over.MaxNewTokens ?? under.MaxNewTokens,
        MinNewTokens = over.MinNewTokens ?? under.MinNewTokens,
        DoSample = over.DoSample ?? under.DoSample,
        Temperature = over.Temperature ?? under.Temperature,
        TopK = over.TopK ?? under.TopK,
        TopP = over.TopP ?? under.TopP,
        MinP = over.MinP ?? under.MinP,
        TypicalP = over.TypicalP ?? under.TypicalP,
        RepetitionPenalty = over.RepetitionPenalty ?? under.RepetitionPenalty,
        PresencePenalty = over.PresencePenalty ?? under.PresencePenalty,
        FrequencyPenalty = over.FrequencyPenalty ?? under.FrequencyPenalty,
        NoRepeatNgramSize = over.NoRepeatNgramSize ?? under.NoRepeatNgramSize,
        NumBeams = over.NumBeams ?? under.NumBeams,
        LengthPenalty = over.LengthPenalty ?? under.LengthPenalty,
        EarlyStopping = over.EarlyStopping ?? under.EarlyStopping,
        NumReturnSequences = over.NumReturnSequences ?? under.NumReturnSequences,
        Stop = over.Stop ?? under.Stop,
        Seed = over.Seed ?? under.Seed,
    };

    /// <summary>The decoding mode these settings select (unset values count as their defaults).</summary>
    [JsonIgnore] public DecodingMode Mode => (NumBeams ?? 1) > 1 ? DecodingMode.Beam : DoSample == true ? DecodingMode.Sample : DecodingMode.Greedy;

    /// <summary>
    /// Checks every value (unset ones count as <see cref="Defaults"/>). Errors are values that cannot run; warnings
    /// are settings the chosen mode ignores (e.g. top_p without sampling). Each message names the parameter,
    /// shows its value and says what to do.
    /// </summary>
    /// <param name="contextLength">The model's context length, if known: max_new_tokens must fit in it.</param>
    /// <param name="promptLength">The longest prompt's length, if known: with the context length, bounds max_new_tokens further.</param>
    public DecodingValidation Validate(int? contextLength = null, int? promptLength = null)
    {
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

        // settings the chosen mode ignores
        if (!sample)
        {
            string why = beams > 1 ? "beam search does not sample" : "greedy decoding takes the most likely token";
            string fix = "set do_sample=true to use it";
            if (t != 1) Warn("temperature", $"temperature (={F(t)}) is ignored: {why}; {fix}");
            if (s.TopK != Defaults.TopK) Warn("top_k", $"top_k (={s.TopK}) is ignored: {why}; {fix}");
            if (topP != 1) Warn("top_p", $"top_p (={F(topP)}) is ignored: {why}; {fix}");
            if (minP != 0) Warn("min_p", $"min_p (={F(minP)}) is ignored: {why}; {fix}");
            if (typical != 1) Warn("typical_p", $"typical_p (={F(typical)}) is ignored: {why}; {fix}");
            if (s.Seed is { } seed) Warn("seed", $"seed (={seed}) is ignored: {why}; {fix}");
        }
        if (beams == 1)
        {
            if (lp != 1) Warn("length_penalty", $"length_penalty (={F(lp)}) is ignored without beam search; set num_beams > 1 to use it");
            if (s.EarlyStopping == true) Warn("early_stopping", "early_stopping (=true) is ignored without beam search; set num_beams > 1 to use it");
        }
        return new DecodingValidation(errors, warnings);
    }

    /// <summary>
    /// A one-line description for column headers: the mode and every setting that differs from its default,
    /// e.g. "sample t=0.7 top-p 0.9 seed 42", "greedy rep 1.2", "beam 4 lp 0.8 early ×2".
    /// </summary>
    public string Summary()
    {
        var s = Merge(Defaults, this);
        var b = new StringBuilder();
        static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        void Add(string text) => b.Append(b.Length > 0 ? " " : "").Append(text);
        switch (Mode)
        {
            case DecodingMode.Beam:
                Add($"beam {s.NumBeams}");
                if (s.LengthPenalty != 1) Add($"lp {F(s.LengthPenalty!.Value)}");
                if (s.EarlyStopping == true) Add("early");
                break;
            case DecodingMode.Sample:
                Add("sample");
                if (s.Temperature != 1) Add($"t={F(s.Temperature!.Value)}");
                if (s.TopK != Defaults.TopK) Add($"top-k {s.TopK}");
                if (s.TopP != 1) Add($"top-p {F(s.TopP!.Value)}");
                if (s.MinP != 0) Add($"min-p {F(s.MinP!.Value)}");
                if (s.TypicalP != 1) Add($"typical {F(s.TypicalP!.Value)}");
                break;
            default:
                Add("greedy");
                break;
        }
        if (s.RepetitionPenalty != 1) Add($"rep {F(s.RepetitionPenalty!.Value)}");
        if (s.PresencePenalty != 0) Add($"presence {F(s.PresencePenalty!.Value)}");
        if (s.FrequencyPenalty != 0) Add($"freq {F(s.FrequencyPenalty!.Value)}");
        if (s.NoRepeatNgramSize > 0) Add($"no-repeat {s.NoRepeatNgramSize}");
        if (s.MinNewTokens > 0) Add($"min {s.MinNewTokens}");
        if (s.Stop!.Count > 0) Add($"stop ×{s.Stop.Count}");
        if (s.NumReturnSequences > 1) Add($"×{s.NumReturnSequences}");
        if (Mode == DecodingMode.Sample && s.Seed is { } seed) Add($"seed {seed}");
        return b.ToString();
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
