using System.Runtime.CompilerServices;
using GptPlayground.Inference;
using GptPlayground.Decoding;
using GptPlayground.Inference.Generation;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Serving;

namespace GptPlayground.Services;

/// <summary>What to generate: a model, the prompt's token ids, the decoding settings and how many alternatives to report.</summary>
/// <param name="Model">Catalog name of the model.</param>
/// <param name="PromptIds">The rendered prompt's token ids (encoded once, with the model's tokenizer, by <see cref="CellRunner"/>).</param>
/// <param name="Settings">Decoding settings; unset values come from the model, then the defaults.</param>
/// <param name="TopLogprobs">Alternatives per token for the token view (0 to 20; default 5).</param>
public sealed record RunRequest(string Model, int[] PromptIds, DecodingSettings Settings, int TopLogprobs = 5)
{
    /// <summary>The prompt as text (and chat messages), for models that take text rather than token ids: remote models (<see cref="RemoteGeneration"/>).</summary>
    public PromptText? Text { get; init; }
}

/// <summary>Where a run is, for the UI: waiting in the queue, loading, generating, done. Updated by <see cref="GenerationRunner"/>.</summary>
public sealed class RunProgress
{
    /// <summary>This request's place in the model's queue while it waits (1 = next to run); null once it runs.</summary>
    public int? QueuePosition { get; internal set; }

    /// <summary>Prompt length in tokens, once encoded.</summary>
    public int? PromptTokens { get; internal set; }

    /// <summary>The settings as run (a fresh seed filled in when sampling without one).</summary>
    public DecodingSettings? Settings { get; internal set; }

    /// <summary>The local model's resolved path (a folder or .onnx file), once loaded; null for a remote model.</summary>
    public string? ModelPath { get; internal set; }

    /// <summary>Where the local model runs ("cpu", "cuda"), once loaded; null for a remote model.</summary>
    public string? Provider { get; internal set; }

    /// <summary>Timings of the generation, filled in while it runs.</summary>
    public GenerationStats Stats { get; } = new();

    /// <summary>Time this request waited for the model to load (its first use since the app started, or since it was
    /// unloaded); null when the model was loaded already. Never part of <see cref="Stats"/>' prefill or decode.</summary>
    public TimeSpan? Load { get; internal set; }

    /// <summary>True once the model is loaded and the prompt encoded: the request is in the model's line or running.</summary>
    public bool ModelReady => Settings is not null;

    /// <summary>Raised (on a background thread) when the queue position changes; marshal to the renderer before rendering.</summary>
    public event Action? Changed;

    internal void Notify() => Changed?.Invoke();
}

/// <summary>
/// Every generation goes through here (the cell runner's, for the UI, the API and the run verb alike): it holds a
/// <see cref="ModelCatalog.Lease"/> so the model is not unloaded underneath, loads the model (shared with every session),
/// and submits the request to the model's <see cref="BatchScheduler"/> (<see cref="GenerationQueue"/>), where it waits
/// for the session's fair turn and then decodes in one batch with every other running request, streaming its steps. The run stops within one token when the
/// caller's token is cancelled or the tab (<see cref="PlaygroundSession"/>) closes.
/// </summary>
public sealed class GenerationRunner(ModelCatalog catalog, GenerationQueue queue, PlaygroundSession session, RemoteGeneration? remote = null)
{
    /// <summary>The session this runner belongs to.</summary>
    public PlaygroundSession Session => session;

    /// <summary>Streams the steps of one request (every sequence, interleaved; see <see cref="GenerationStep.Sequence"/>).</summary>
    /// <exception cref="OperationCanceledException">Cancelled, or the tab closed.</exception>
    /// <exception cref="ModelException">No such model, or it cannot load or encode.</exception>
    /// <exception cref="ArgumentException">Invalid decoding settings (the message lists every error) or an empty prompt.</exception>
    public async IAsyncEnumerable<GenerationStep> RunAsync(RunRequest request, RunProgress progress,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.Closed);
        var token = linked.Token;
        if (remote?.Handles(request.Model) == true)
        {
            // a remote OpenAI-compatible model (models/NAME/remote.json): its server generates
            await foreach (var step in remote.RunAsync(request, progress, session, token)) yield return step;
            yield break;
        }
        var key = catalog.Resolve(request.Model);
        using var lease = catalog.Lease(key);
        var loading = System.Diagnostics.Stopwatch.StartNew();
        var getting = catalog.GetAsync(key);
        bool wasLoaded = getting.IsCompletedSuccessfully;   // a loaded model comes back synchronously
        var model = await getting;
        progress.Load = wasLoaded ? null : loading.Elapsed;
        token.ThrowIfCancellationRequested();
        var ids = request.PromptIds;
        if (ids.Length == 0) throw new ArgumentException("the prompt is empty: write something for the model to continue");
        var settings = request.Settings.Resolve(model.Config.GenerationDefaults, model.ContextLength);
        progress.PromptTokens = ids.Length;
        progress.ModelPath = key;
        progress.Provider = model.Provider.Name;
        progress.Settings = settings;
        progress.Notify();
        var steps = queue.For(model).GenerateAsync(session.Id, [ids], settings, new() { TopLogprobs = request.TopLogprobs }, progress.Stats, new Listener(progress), token);
        await foreach (var step in steps.WithCancellation(token))
            yield return step;
    }

    /// <summary>
    /// Scores a prompt (the log-probability of each token given those before it), waiting for a turn in the model's
    /// line like a generation does and running alone between two batch steps.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled, or the tab closed.</exception>
    /// <exception cref="ModelException">No such model, it cannot load, or the prompt is longer than the context.</exception>
    /// <exception cref="ArgumentException">The prompt has fewer than two tokens.</exception>
    public async Task<ScoreResult> ScoreAsync(string model, string prompt, bool addSpecialTokens = true, int topLogprobs = 5, CancellationToken cancellationToken = default) =>
        (await ScoreAsync(model, loaded => [Encode(loaded, prompt, addSpecialTokens)], topLogprobs, cancellationToken))[0];

    /// <summary>
    /// Scores continuations of a prompt, as lm-evaluation-harness scores multiple choice: for each continuation, the
    /// prompt's token ids followed by the continuation's own (encoded alone, without special tokens, so that the prompt's
    /// tokens stay as they are), one scored sequence each (<see cref="PromptScorer"/>), in the model's line like
    /// <see cref="ScoreAsync(string, string, bool, int, CancellationToken)"/>. The continuation's log-probability is the sum
    /// over its tokens, <c>result.Tokens[promptIds.Length..]</c>.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled, or the tab closed.</exception>
    /// <exception cref="ModelException">No such model, it cannot load or encode, or a sequence is longer than the context.</exception>
    /// <exception cref="ArgumentException">The prompt is empty, or a continuation has no tokens.</exception>
    public Task<IReadOnlyList<ScoreResult>> ScoreContinuationsAsync(string model, int[] promptIds, IReadOnlyList<string> continuations, int topLogprobs = 0,
        CancellationToken cancellationToken = default)
    {
        if (promptIds.Length == 0) throw new ArgumentException("the prompt is empty: write something for the choices to continue");
        return ScoreAsync(model, loaded => continuations.Select(int[] (c) =>
        {
            var tail = Encode(loaded, c, addSpecialTokens: false);
            return tail.Length > 0 ? [.. promptIds, .. tail] : throw new ArgumentException($"the continuation '{c}' has no tokens: give it some text");
        }).ToList(), topLogprobs, cancellationToken);
    }

    /// <summary>
    /// Scores a sequence of token ids as it stands (the log-probability of each token given those before it), in the
    /// model's line like <see cref="ScoreAsync(string, string, bool, int, CancellationToken)"/>: what a replay asks of the
    /// model about a recorded token it no longer chooses.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled, or the tab closed.</exception>
    /// <exception cref="ModelException">No such model, it cannot load, or the sequence is longer than the context.</exception>
    /// <exception cref="ArgumentException">The sequence has fewer than two tokens.</exception>
    public async Task<ScoreResult> ScoreIdsAsync(string model, int[] ids, int topLogprobs = 0, CancellationToken cancellationToken = default) =>
        (await ScoreAsync(model, _ => [ids], topLogprobs, cancellationToken))[0];

    /// <summary>The one scoring path: the model loaded under a lease, then each sequence scored alone between two batch steps.</summary>
    async Task<IReadOnlyList<ScoreResult>> ScoreAsync(string model, Func<LanguageModel, IReadOnlyList<int[]>> sequences, int topLogprobs, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.Closed);
        var token = linked.Token;
        var key = catalog.Resolve(model);
        if (remote?.Handles(model) == true) throw new ModelException($"{model}: a remote model cannot score text (scoring needs the model's log-probabilities over every token); use a local model");
        using var lease = catalog.Lease(key);
        var loaded = await catalog.GetAsync(key);
        var all = sequences(loaded);
        var scores = new List<ScoreResult>(all.Count);
        foreach (var ids in all)
            scores.Add(await queue.For(loaded).RunAloneAsync(session.Id, t => PromptScorer.Score(loaded, ids, topLogprobs, t), null, token));
        return scores;
    }

    static int[] Encode(LanguageModel model, string text, bool addSpecialTokens) =>
        addSpecialTokens ? model.Encode(text)
        : (model.Tokenizer ?? throw new ModelException($"{model.Folder.Name}: cannot encode text: {model.TokenizerError}")).Encode(text, addSpecialTokens: false);

    /// <summary>
    /// Scheduler reports (requests ahead) into <see cref="RunProgress.QueuePosition"/> as a 1-based place in line,
    /// synchronously (unlike <see cref="Progress{T}"/>); admission clears it.
    /// </summary>
    sealed class Listener(RunProgress progress) : IProgress<int>
    {
        public void Report(int value)
        {
            progress.QueuePosition = value == BatchScheduler.Admitted ? null : value + 1;
            progress.Notify();
        }
    }
}
