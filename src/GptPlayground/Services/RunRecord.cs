using GptPlayground.Decoding;

namespace GptPlayground.Services;

/// <summary>
/// One run of one prompt (a cell's variant, or one prompt of an API request) as <see cref="RunRecords"/> keeps it: one
/// JSON line of a <c>.runs/…/*.jsonl</c> file, with what it takes to run it again (<see cref="RunReplay"/>): the model and
/// the SHA-256 of its files, the settings as resolved (every default filled in, the seed actually used), the prompt's
/// token ids, and each output's token ids with their log-probabilities. Written with snake_case names
/// (<see cref="RunRecords.Json"/>).
/// </summary>
public sealed record RunRecord
{
    /// <summary>What <see cref="Format"/> says in every record this version writes.</summary>
    public const string CurrentFormat = "gptplayground-run/1";

    /// <summary>The record format, <see cref="CurrentFormat"/>; a line without it is not a run record.</summary>
    public required string Format { get; init; }

    /// <summary>When the run ended, UTC.</summary>
    public required DateTime Time { get; init; }

    /// <summary>Which front end ran it: <c>ui</c>, <c>run</c> (the verb) or <c>api</c>.</summary>
    public required string Source { get; init; }

    /// <summary>The notebook's file name (<c>sentiment.md</c>); null for an API run.</summary>
    public string? Notebook { get; init; }

    /// <summary>The cell's name; null for an API run.</summary>
    public string? Cell { get; init; }

    /// <summary>The decoding variant's name; null for an API run.</summary>
    public string? Variant { get; init; }

    /// <summary>The model's name (its folder in models/, or the path the CLI was given).</summary>
    public required string Model { get; init; }

    /// <summary>SHA-256 (lower-case hex) of each model and tokenizer file, by file name (<see cref="ModelFileHashes"/>); empty for a remote model.</summary>
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>();

    /// <summary>The app's version (its informational version: version and commit).</summary>
    public required string AppVersion { get; init; }

    /// <summary>Where it ran: <c>cpu</c>, <c>cuda</c>, or <c>remote</c> (a remote model's server).</summary>
    public required string Provider { get; init; }

    /// <summary>The settings as run: the model's generation_config and the defaults filled in, and the seed a sampling run used.</summary>
    public required DecodingSettings Settings { get; init; }

    /// <summary>Alternatives per token that the run reported (the token view's).</summary>
    public int TopLogprobs { get; init; }

    /// <summary>The prompt's token ids (empty for a remote model, which takes text).</summary>
    public required int[] PromptIds { get; init; }

    /// <summary>The prompt as text, as the model saw it after rendering.</summary>
    public string? PromptText { get; init; }

    /// <summary>Every sequence of the run (N samples, or the beams), in order.</summary>
    public required IReadOnlyList<RecordedOutput> Outputs { get; init; }

    /// <summary>How long it took.</summary>
    public RecordedTimings Timings { get; init; } = new();
}

/// <summary>One generated sequence of a <see cref="RunRecord"/>.</summary>
public sealed record RecordedOutput
{
    /// <summary>The generated text.</summary>
    public required string Text { get; init; }

    /// <summary>Its token ids, in order (empty for a remote model, whose server gives none).</summary>
    public required int[] Ids { get; init; }

    /// <summary>Each token's log-probability under the model's raw distribution (null where not known), one per token.</summary>
    public required float?[] Logprobs { get; init; }

    /// <summary>Why it stopped: eos, length, stop or context; null when it did not finish (cancelled).</summary>
    public string? Finish { get; init; }
}

/// <summary>The timings of a recorded run, milliseconds; null where not measured.</summary>
public sealed record RecordedTimings
{
    /// <summary>Time waiting for the model to load (null: it was loaded).</summary>
    public double? LoadMs { get; init; }

    /// <summary>The prompt pass.</summary>
    public double? PrefillMs { get; init; }

    /// <summary>The decode steps after the prompt pass.</summary>
    public double? DecodeMs { get; init; }

    /// <summary>Wall time of the whole run, queue wait included.</summary>
    public double? TotalMs { get; init; }

    /// <summary>Decode speed over every sequence, tokens per second.</summary>
    public double? TokensPerSecond { get; init; }
}
