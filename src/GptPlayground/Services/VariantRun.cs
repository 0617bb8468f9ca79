using System.Diagnostics;
using System.Text;
using GptPlayground.Inference;
using GptPlayground.Inference.Generation;
using GptPlayground.Tokenizers;

namespace GptPlayground.Services;

/// <summary>
/// One generated sequence of a column: its text so far, its tokens for the token view, why it stopped. It is written
/// by the run (any thread) while the view reads it (the renderer's thread): reads see a consistent snapshot.
/// </summary>
public sealed class SequenceOutput
{
    readonly object gate = new();
    readonly StringBuilder text = new();
    readonly List<TokenDetail> tokens = [];
    string? textShown;
    TokenDetail[]? tokensShown;

    /// <summary>Text generated so far.</summary>
    public string Text
    {
        get { lock (gate) return textShown ??= text.ToString(); }
    }

    /// <summary>Every token with its logprobs, so far (a snapshot: later tokens do not change it).</summary>
    public IReadOnlyList<TokenDetail> Tokens
    {
        get { lock (gate) return tokensShown ??= tokens.ToArray(); }
    }

    /// <summary>Why it stopped; null while generating.</summary>
    public FinishReason? Finish { get; private set; }

    /// <summary>Appends one step.</summary>
    public void Add(GenerationStep step)
    {
        var token = TokenDetail.FromStep(step);
        lock (gate)
        {
            text.Append(step.Text);
            tokens.Add(token);
            (textShown, tokensShown) = (null, null);
        }
        Finish = step.Finish ?? Finish;
    }

    /// <summary>A finished output shown again (no tokens).</summary>
    public static SequenceOutput FromText(string text, FinishReason? finish)
    {
        var s = new SequenceOutput { Finish = finish };
        s.text.Append(text);
        return s;
    }
}

/// <summary>
/// One column of a comparison: a decoding variant (or a prompt style), its settings summary, and its run: queue
/// position while waiting, sequences while streaming, tokens/s, finish or error. The state of one variant of a
/// <see cref="CellRunner"/> run, filled by <see cref="RunAsync"/>; the UI's columns are views of it and the run verb
/// reads its <see cref="ToOutput"/>.
/// </summary>
public sealed class VariantRun(string name, string summary)
{
    /// <summary>Render at most this often while streaming.</summary>
    static readonly TimeSpan RenderInterval = TimeSpan.FromMilliseconds(60);

    /// <summary>The column's name (the variant's name, or the prompt style); also its <c>data-variant</c>.</summary>
    public string Name { get; set; } = name;

    /// <summary>One-line settings summary for the column header.</summary>
    public string Summary { get; set; } = summary;

    /// <summary>The exact prompt this column runs, when it differs from the cell's own (the prompt-style comparison); null otherwise.</summary>
    public string? Prompt { get; set; }

    /// <summary>A short note on how the column's prompt was built (e.g. "instruction + query, no examples"); null for none.</summary>
    public string? Note { get; set; }

    /// <summary>Errors of the column's settings (validation before any run): the run would fail with them.</summary>
    public IReadOnlyList<string> SettingsErrors { get; set; } = [];

    /// <summary>Warnings of the column's settings (values the mode ignores).</summary>
    public IReadOnlyList<string> SettingsWarnings { get; set; } = [];

    /// <summary>The sequences (N samples, or the returned beams). A new list when one is added (the view may be reading the old one meanwhile).</summary>
    public IReadOnlyList<SequenceOutput> Sequences => sequences;
    SequenceOutput[] sequences = [];

    /// <summary>Place in the model's queue while waiting (1 = next).</summary>
    public int? QueuePosition { get; private set; }

    /// <summary>What went wrong, for the user; null when fine.</summary>
    public string? Error { get; private set; }

    /// <summary>True from start to end of the run.</summary>
    public bool Running { get; private set; }

    /// <summary>True when the run was cancelled.</summary>
    public bool Cancelled { get; private set; }

    /// <summary>Prompt tokens, once encoded.</summary>
    public int? PromptTokens { get; private set; }

    /// <summary>The seed used, when sampling.</summary>
    public ulong? Seed { get; private set; }

    /// <summary>The settings of the last run as resolved (defaults filled in, the seed used); null before a run.</summary>
    public Decoding.DecodingSettings? Settings { get; private set; }

    /// <summary>The last run's local model path (folder or .onnx file); null for a remote model or before a run.</summary>
    public string? ModelPath { get; private set; }

    /// <summary>Where the last run's model ran ("cpu", "cuda"); null for a remote model or before a run.</summary>
    public string? Provider { get; private set; }

    /// <summary>Why the last run's record was not written (<see cref="RunRecords"/>); null when it was, or records are off.</summary>
    public string? RecordProblem { get; set; }

    /// <summary>Decode speed over all sequences.</summary>
    public double TokensPerSecond { get; private set; }

    /// <summary>Tokens generated over all sequences.</summary>
    public int TokenCount { get; private set; }

    /// <summary>Wall time of the run after its turn came.</summary>
    public TimeSpan Elapsed { get; private set; }

    /// <summary>Timings of the last run (prefill, decode).</summary>
    public GenerationStats Stats { get; private set; } = new();

    /// <summary>Time the last run waited for its model to load; null when the model was loaded already.</summary>
    public TimeSpan? Load { get; private set; }

    /// <summary>What the running column is doing before its first token: loading the model, waiting for the prompt
    /// pass, or a beam search (whose beams come out only at the end).</summary>
    Decoding.DecodingMode? mode;
    bool modelReady;

    /// <summary>The status line: waiting / loading / searching / generating / finished, with tokens and the timings
    /// (<see cref="TimingText"/>: load, prefill and decode apart).</summary>
    public string Status =>
        QueuePosition is int place && Running ? $"waiting in queue: position {place}"
        : Running && TokenCount == 0 ? (!modelReady ? "loading the model…" : mode == Decoding.DecodingMode.Beam ? "searching (beam search)…" : "reading the prompt…")
        : !Running && Sequences.Count == 0 && Error is null && !Cancelled ? "not run yet"
        : $"{TokenCount} token{(TokenCount == 1 ? "" : "s")}" + Timings()
          + (Seed is ulong s ? $" · seed {s}" : "")
          + (Running ? " · generating…" : Cancelled ? " · cancelled" : Error is not null ? " · failed" : Finishes());

    /// <summary>" · load … · prefill … · decode …" from the engine's timings; a remote run's speed as measured here.</summary>
    string Timings()
    {
        if (remoteRun || (Stats.Tokens == 0 && TokensPerSecond > 0))   // remote, or a saved output
            return $" · {TokensPerSecond:0.0} tokens/s";
        var text = TimingText.Of(Stats, Math.Max(1, Sequences.Count), Load);
        return text.Length == 0 ? "" : " · " + text;
    }

    string Finishes()
    {
        var reasons = Sequences.Where(s => s.Finish is not null).Select(s => s.Finish.ToString()!.ToLowerInvariant()).Distinct().ToList();
        return reasons.Count == 0 ? "" : " · finished: " + string.Join(", ", reasons);
    }

    /// <summary>
    /// Runs <paramref name="request"/> through the session's <see cref="GenerationRunner"/> (fair queue), streaming
    /// into this column and calling <paramref name="render"/> at most every 60 ms (through a <see cref="RenderThrottle"/>:
    /// the token loop never waits for the view) and once at the end. Engine errors end up in <see cref="Error"/>, never
    /// thrown: an error stays inside its column.
    /// </summary>
    public async Task RunAsync(GenerationRunner runner, RunRequest request, Func<Task> render, CancellationToken cancellationToken)
    {
        Begin();
        var throttle = new RenderThrottle(render, RenderInterval);
        var progress = new RunProgress();
        Stats = progress.Stats;
        progress.Changed += () =>
        {
            QueuePosition = progress.QueuePosition;
            Load = progress.Load;
            modelReady = progress.ModelReady;
            mode = progress.Settings?.Mode;
            PromptTokens = progress.PromptTokens;
            Seed = progress.Settings?.Mode == Decoding.DecodingMode.Sample ? progress.Settings.Seed : null;
            Settings = progress.Settings;
            ModelPath = progress.ModelPath;
            Provider = progress.Provider;
            throttle.Request();
        };
        var clock = Stopwatch.StartNew();
        TimeSpan? firstToken = null;
        bool remote = false;
        try
        {
            await foreach (var step in runner.RunAsync(request, progress, cancellationToken))
            {
                if (sequences.Length <= step.Sequence)
                    sequences = [.. sequences, .. Enumerable.Range(0, step.Sequence + 1 - sequences.Length).Select(_ => new SequenceOutput())];
                sequences[step.Sequence].Add(step);
                TokenCount++;
                firstToken ??= clock.Elapsed;
                remote |= step.Token == RemoteGeneration.UnknownToken;
                remoteRun = remote;
                TokensPerSecond = Speed(progress.Stats, clock.Elapsed - firstToken.Value, remote);
                throttle.Request();
            }
        }
        catch (OperationCanceledException)
        {
            Cancelled = true;
        }
        catch (Exception e) when (e is ModelException or TokenizerException or ArgumentException or RemoteModelException)
        {
            Error = e.Message;
        }
        catch (Exception e)
        {
            Error = $"{e.GetType().Name}: {e.Message}";     // anything else too: an error stays inside its column, the page keeps working
        }
        finally
        {
            Running = false;
            QueuePosition = null;
            Elapsed = clock.Elapsed;
            Load = progress.Load;
            TokensPerSecond = Speed(progress.Stats, firstToken is { } first ? clock.Elapsed - first : TimeSpan.Zero, remote);
            remoteTime = remote ? clock.Elapsed : null;
        }
        await throttle.RenderNowAsync();
    }

    /// <summary>True when the run's steps come from a remote server (no engine timings).</summary>
    bool remoteRun;

    /// <summary>Wall time of a run the engine did not time (a remote model's, whose steps have no token ids): from the start to the last token.</summary>
    TimeSpan? remoteTime;

    /// <summary>
    /// Decode tokens/s over all sequences: the engine's own figure, else (a remote model, which the engine does not time)
    /// the tokens after the first one over the wall time since the first one arrived.
    /// </summary>
    double Speed(GenerationStats stats, TimeSpan sinceFirstToken, bool remote) =>
        !remote ? stats.DecodeTokensPerSecond(Math.Max(1, Sequences.Count))
        : TokenCount > 1 && sinceFirstToken > TimeSpan.Zero ? (TokenCount - 1) / sinceFirstToken.TotalSeconds : 0;

    /// <summary>Clears the column and marks it running ("loading the model…") before its run starts.</summary>
    public void Begin()
    {
        sequences = [];
        Error = null;
        Cancelled = false;
        Running = true;
        TokenCount = 0;
        TokensPerSecond = 0;
        Load = null;
        modelReady = false;
        mode = null;
        remoteTime = null;
        remoteRun = false;
        Stats = new();
        Settings = null;
        ModelPath = null;
        Provider = null;
    }

    /// <summary>Shows an error in the column without running (ends a <see cref="Begin"/>).</summary>
    public void ShowError(string message)
    {
        sequences = [];
        TokenCount = 0;
        Running = false;
        Error = message;
    }

    /// <summary>Marks the column cancelled before its run started (ends a <see cref="Begin"/>).</summary>
    public void ShowCancelled()
    {
        Running = false;
        Cancelled = true;
    }

    /// <summary>Shows a saved output (from the notebook file) in this column.</summary>
    public void ShowSaved(GptPlayground.Notebooks.CellOutput output)
    {
        Stats = new();
        Load = null;
        remoteRun = false;
        sequences = [SequenceOutput.FromText(output.Text, Enum.TryParse<FinishReason>(output.Finish, ignoreCase: true, out var f) ? f : null)];
        TokenCount = output.Tokens ?? 0;
        TokensPerSecond = output.TokensPerSecond ?? 0;
        Seed = output.Seed;
    }

    /// <summary>
    /// The first sequence as a notebook output (to keep with the notebook), by the one rule every front end shares:
    /// time = prefill + decode in ms and decode tokens/s over all sequences, both to one decimal; the seed only when the
    /// run sampled (the resolved seed, so a fresh one can be replayed); the token ids unless a remote model made them.
    /// </summary>
    public GptPlayground.Notebooks.CellOutput? ToOutput() => Sequences.Count == 0 ? null : new GptPlayground.Notebooks.CellOutput
    {
        Variant = Name,
        Text = Sequences[0].Text,
        Tokens = Sequences[0].Tokens.Count,
        Finish = Sequences[0].Finish?.ToString().ToLowerInvariant(),
        TimeMs = Math.Round((remoteTime ?? Stats.Prefill + Stats.Decode).TotalMilliseconds, 1),
        TokensPerSecond = Math.Round(TokensPerSecond, 1),
        Seed = Seed,
        TokenIds = Sequences[0].Tokens.Count == 0 || Sequences[0].Tokens.Any(t => t.IsRemote) ? null : Sequences[0].Tokens.Select(t => t.Token).ToArray(),
    };
}
