using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GptPlayground.Decoding;
using GptPlayground.Inference.Models;
using GptPlayground.Tokenizers;

namespace GptPlayground.Inference.Generation;

/// <summary>
/// Generation on top of the <see cref="Generator"/> loop: prefill the prompts, then per step choose a
/// token per sequence, report it with its log-probabilities and text delta, and stop each sequence at
/// EOS, a stop string, max_new_tokens or when the context is full.
/// </summary>
/// <remarks>
/// One API, three ways to consume it, all funnelled into one loop:
/// <see cref="GenerateAsync"/> streams steps from a background thread, <see cref="Complete"/> collects them, and
/// <see cref="Generate"/> runs on the calling thread. Each takes the <see cref="DecodingSettings"/> (the strategy)
/// and optional <see cref="GenerationOptions"/> (what to report).
/// <code>
/// var settings = new DecodingSettings { DoSample = true, Temperature = 0.7, TopP = 0.9, Seed = 42 }.Resolve(model.Config.GenerationDefaults, model.ContextLength);
/// foreach (var warning in settings.Validate(model.ContextLength).Warnings) Console.Error.WriteLine(warning);
/// await foreach (var step in TextGenerator.GenerateAsync(model, [model.Encode("Once upon")], settings, new() { TopLogprobs = 5 }, cancellationToken: ct))
///     Console.Write(step.Text);
/// </code>
/// </remarks>
public static class TextGenerator
{
    /// <summary>
    /// Decodes <paramref name="prompts"/> with <paramref name="settings"/> on the calling thread, yielding each
    /// token as it is chosen (beam search yields its returned sequences when the search ends).
    /// </summary>
    /// <param name="model">The loaded model.</param>
    /// <param name="prompts">Token ids per prompt; each non-empty. Prompts are decoded as one batch (shorter ones left-padded).</param>
    /// <param name="settings">Decoding settings; unset values come from the model's generation_config.json, else
    /// <see cref="DecodingSettings.Defaults"/> (greedy). Resolve them first (<see cref="DecodingSettings.Resolve"/>) to learn a fresh seed.</param>
    /// <param name="options">What to report (top_logprobs) and whether EOS ends a sequence; null: <see cref="GenerationOptions.Default"/>.</param>
    /// <param name="stats">Filled with timings while generating, if given.</param>
    /// <param name="cancellationToken">Stops generation within one step, also in the middle of a model pass.</param>
    /// <returns>Steps of every sequence, interleaved. With num_return_sequences = n, prompt p's sequences are
    /// <c>p*n .. p*n+n-1</c> (<see cref="GenerationStep.Sequence"/>), <see cref="GenerationStep.Prompt"/> = p.</returns>
    /// <exception cref="ArgumentException">Invalid settings (every error of <see cref="DecodingSettings.Validate"/>, joined), top_logprobs out of range, or an empty prompt.</exception>
    /// <exception cref="ModelException">Token ids out of range, or a prompt that fills the context.</exception>
    public static IEnumerable<GenerationStep> Generate(LanguageModel model, IReadOnlyList<int[]> prompts, DecodingSettings settings,
        GenerationOptions? options = null, GenerationStats? stats = null, CancellationToken cancellationToken = default)
    {
        options ??= GenerationOptions.Default;
        var resolved = Prepare(model, prompts, settings, options);
        return Decode(model, prompts, resolved, options, stats ?? new GenerationStats(), cancellationToken);
    }

    /// <summary>
    /// <see cref="Generate"/> on a background thread, streamed: the caller's thread never runs the model. Stopping the
    /// enumeration early, or cancelling, stops the computation within one step. Settings errors throw before the first step.
    /// </summary>
    /// <inheritdoc cref="Generate"/>
    public static IAsyncEnumerable<GenerationStep> GenerateAsync(LanguageModel model, IReadOnlyList<int[]> prompts, DecodingSettings settings,
        GenerationOptions? options = null, GenerationStats? stats = null, CancellationToken cancellationToken = default)
    {
        options ??= GenerationOptions.Default;
        var resolved = Prepare(model, prompts, settings, options);
        stats ??= new GenerationStats();
        return Stream(token => Decode(model, prompts, resolved, options, stats, token), cancellationToken);
    }

    /// <summary>Decodes to the end and collects every sequence, with beam scores, the resolved settings and their warnings.</summary>
    /// <inheritdoc cref="Generate"/>
    public static GenerationResult Complete(LanguageModel model, IReadOnlyList<int[]> prompts, DecodingSettings settings,
        GenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= GenerationOptions.Default;
        var resolved = Prepare(model, prompts, settings, options);
        var stats = new GenerationStats();
        var result = Collect(Decode(model, prompts, resolved, options, stats, cancellationToken), prompts.Count * resolved.NumReturnSequences!.Value, stats);
        return result with { Settings = resolved, Warnings = resolved.Validate(model.ContextLength, prompts.Max(p => p.Length), options.Limits).Warnings };
    }

    internal static DecodingSettings Prepare(LanguageModel model, IReadOnlyList<int[]> prompts, DecodingSettings settings, GenerationOptions options)
    {
        options.Validate();
        CheckPrompts(model, prompts);
        var resolved = settings.Resolve(model.Config.GenerationDefaults, model.ContextLength);
        resolved.Validate(model.ContextLength, prompts.Max(p => p.Length), options.Limits).ThrowIfInvalid();
        return resolved;
    }

    static IEnumerable<GenerationStep> Decode(LanguageModel model, IReadOnlyList<int[]> prompts, DecodingSettings s, GenerationOptions options,
        GenerationStats stats, CancellationToken cancellationToken)
    {
        var sink = new CollectingSink();
        return Drive(model, CreateGroups(model, prompts, s, options, sink, stats, cancellationToken), sink, rebuildAlways: false, cancellationToken);
    }

    /// <summary>
    /// The sequence groups of one request with resolved, valid settings: one <see cref="BeamSearch.Group"/> per prompt for
    /// beam search, else one <see cref="SamplingGroup"/> whose rows are the prompts, each repeated num_return_sequences times.
    /// </summary>
    internal static IReadOnlyList<SequenceGroup> CreateGroups(LanguageModel model, IReadOnlyList<int[]> prompts, DecodingSettings s,
        GenerationOptions options, IStepSink sink, GenerationStats stats, CancellationToken cancellationToken)
    {
        int n = s.NumReturnSequences!.Value;
        if (s.Mode == DecodingMode.Beam)
            return prompts.Select((prompt, p) => new BeamSearch.Group(model, prompt, p, s, options.TopLogprobs, sink, stats, cancellationToken)).ToArray();
        var rows = prompts.SelectMany(p => Enumerable.Repeat(p, n)).ToArray();
        var promptOf = Enumerable.Range(0, rows.Length).Select(r => r / n).ToArray();
        var chains = rows.Select((row, r) => options.SelectorFor is { } selectorFor
            ? new SamplerChain(SamplerChain.ProcessorsFor(s, model.EosTokenIds, s.DoSample == true), selectorFor(r), row.Length)
            : SamplerChain.For(s, model.EosTokenIds, row.Length, stream: r)).ToArray();
        return [new SamplingGroup(model, rows, promptOf, chains, s.MaxNewTokens!.Value, options.TopLogprobs, options.StopAtEos, s.Stop ?? [], sink, stats, cancellationToken)];
    }

    /// <summary>
    /// Decodes <paramref name="groups"/> together on the calling thread (a <see cref="BatchDecoder"/> of its own), yielding
    /// steps as the groups report them; the first error of any group is thrown after the steps before it.
    /// </summary>
    internal static IEnumerable<GenerationStep> Drive(LanguageModel model, IReadOnlyList<SequenceGroup> groups, CollectingSink sink,
        bool rebuildAlways, CancellationToken cancellationToken)
    {
        using var decoder = new BatchDecoder(model) { RebuildAlways = rebuildAlways };
        decoder.Join(groups, cancellationToken);
        foreach (var step in sink.Drain()) yield return step;
        while (!decoder.IsEmpty)
        {
            decoder.Step(cancellationToken);
            foreach (var step in sink.Drain()) yield return step;
        }
    }

    static void CheckPrompts(LanguageModel model, IReadOnlyList<int[]> prompts)
    {
        if (prompts.Count == 0) throw new ArgumentException("at least one prompt is needed");
        for (int i = 0; i < prompts.Count; i++)
        {
            if (prompts[i].Length == 0) throw new ArgumentException($"prompt {i} is empty: give at least one token");
            model.CheckTokenIds(prompts[i]);
            if (model.ContextLength is int context && prompts[i].Length >= context)
                throw new ModelException($"{model.Folder.Name}: the prompt has {prompts[i].Length} tokens and the model's context length is {context}: no room to generate; shorten the prompt");
        }
    }

    internal static Func<int, string> Display(LanguageModel model) => model.Tokenizer is { } t ? t.TokenToDisplay : _ => "";

    /// <summary>Runs a step producer on a background thread and streams its steps through a bounded channel.</summary>
    static async IAsyncEnumerable<GenerationStep> Stream(Func<CancellationToken, IEnumerable<GenerationStep>> produce,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateBounded<GenerationStep>(new BoundedChannelOptions(32) { SingleReader = true, SingleWriter = true });
        var producer = Task.Factory.StartNew(() =>
        {
            try
            {
                foreach (var step in produce(stop.Token))
                    while (!channel.Writer.TryWrite(step))
                        channel.Writer.WaitToWriteAsync(stop.Token).AsTask().GetAwaiter().GetResult();
                channel.Writer.Complete();
            }
            catch (Exception e)
            {
                channel.Writer.Complete(e);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await foreach (var step in channel.Reader.ReadAllAsync(cancellationToken))
            {
                cancellationToken.ThrowIfCancellationRequested();   // steps computed before the cancel are dropped
                yield return step;
            }
        }
        finally
        {
            stop.Cancel();
            try { await producer; } catch (OperationCanceledException) { }
        }
    }

    static GenerationResult Collect(IEnumerable<GenerationStep> steps, int sequences, GenerationStats stats)
    {
        var lists = Enumerable.Range(0, sequences).Select(_ => new List<GenerationStep>()).ToArray();
        foreach (var step in steps) lists[step.Sequence].Add(step);
        var results = lists.Select(s => new SequenceResult(
            s.Select(x => x.Token).ToArray(), string.Concat(s.Select(x => x.Text)), s[^1].Finish!.Value, s)
            { Prompt = s[^1].Prompt, Score = s[^1].Score }).ToArray();
        return new GenerationResult(results, stats);
    }
}

/// <summary>Queues the steps of groups decoded on the caller's thread until the caller drains them; keeps the first error.</summary>
internal sealed class CollectingSink : IStepSink
{
    readonly Queue<GenerationStep> steps = new();
    Exception? error;

    public void Step(GenerationStep step) => steps.Enqueue(step);

    public void End(Exception? error)
    {
        if (error is not null) this.error ??= error;
    }

    /// <summary>The queued steps; then, if a group failed, its error.</summary>
    public IEnumerable<GenerationStep> Drain()
    {
        while (steps.TryDequeue(out var step)) yield return step;
        if (error is { } e) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
    }
}

/// <summary>One finished sequence.</summary>
/// <param name="Tokens">Generated token ids (an EOS that ended the sequence included).</param>
/// <param name="Text">Generated text (special tokens skipped).</param>
/// <param name="Finish">Why it stopped.</param>
/// <param name="Steps">Per-token details.</param>
public sealed record SequenceResult(int[] Tokens, string Text, FinishReason Finish, IReadOnlyList<GenerationStep> Steps)
{
    /// <summary>Index of the prompt this sequence continues.</summary>
    public int Prompt { get; init; }
    /// <summary>Beam search only: the sequence's score, sum of processed log-probabilities / length^length_penalty.</summary>
    public double? Score { get; init; }
}

/// <summary>All sequences of one request with timings.</summary>
public sealed record GenerationResult(IReadOnlyList<SequenceResult> Sequences, GenerationStats Stats)
{
    /// <summary>The settings as resolved and run (seed included).</summary>
    public DecodingSettings? Settings { get; init; }
    /// <summary>Warnings of <see cref="DecodingSettings.Validate"/> (settings the mode ignored).</summary>
    public IReadOnlyList<DecodingIssue> Warnings { get; init; } = [];
}
