using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GptPlayground.Decoding;
using GptPlayground.Inference.Generation;
using GptPlayground.Inference.Models;

namespace GptPlayground.Inference.Serving;

/// <summary>
/// Continuous batching for one loaded model: requests from any number of sessions (cells, variants, samples, API
/// calls) decode together, one batched model run per step, on one thread of the scheduler's own.
/// </summary>
/// <remarks>
/// <para>
/// Iteration-level scheduling (Orca, OSDI '22): at every step boundary waiting requests are admitted in fair
/// round-robin order across sessions while the batch stays within <see cref="SchedulerOptions.MaxBatchRows"/> rows and
/// the KV budget (<see cref="SchedulerOptions.KvBudgetBytes"/>, counted for every row at its full projected length,
/// so a batch never outgrows it and nothing is preempted). The first waiting request that does not fit blocks the
/// ones behind it, so none starves. A request is prefilled on its own, streams its first token, and joins the batch;
/// finished, cancelled or abandoned sequences leave at the next step (<see cref="BatchDecoder"/>).
/// </para>
/// <para>
/// Each request keeps its own decoding chain, seed, stop strings and streaming: its tokens are those it would get
/// alone. Work that is not a generation (scoring a prompt) waits in the same line and runs alone between two steps.
/// </para>
/// </remarks>
public sealed class BatchScheduler
{
    /// <summary>What a waiting request hears on its position listener when it is admitted.</summary>
    public const int Admitted = -1;

    readonly LanguageModel model;
    readonly SchedulerOptions options;
    readonly long bytesPerToken;
    readonly Lock gate = new();
    readonly FairLine<Pending> line = new(p => p.Session);
    readonly BatchDecoder decoder;
    readonly Queue<(long Time, long Tokens)> window = new();   // (timestamp, total tokens) per step, last few seconds
    readonly List<Pending> active = [];                         // admitted requests not yet ended (loop thread)
    bool looping;
    int activeRequests, activeRows;
    long steps, tokens, reportedTokens;
    TimeSpan? lastTimeToFirstToken;

    /// <summary>A scheduler for <paramref name="model"/>; its thread starts with the first request and stops when idle.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Invalid <paramref name="options"/>.</exception>
    public BatchScheduler(LanguageModel model, SchedulerOptions? options = null)
    {
        this.options = options ?? SchedulerOptions.Default;
        this.options.Validate();
        this.model = model;
        decoder = new BatchDecoder(model);
        var layout = model.Layout;
        bytesPerToken = (long)layout.PastInputs.Count * (layout.KvStyle == KvCacheStyle.Separate ? 1 : 2)
            * layout.KvHeads * layout.HeadSize * (layout.KvType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float16 ? 2 : 4);
        SchedulerMetrics.Track(this);
    }

    /// <summary>The model this scheduler batches.</summary>
    public LanguageModel Model => model;

    /// <summary>The admission limits.</summary>
    public SchedulerOptions Options => options;

    /// <summary>
    /// Generates for <paramref name="prompts"/> in the shared batch: the request waits its session's turn, then streams
    /// its steps (every sequence interleaved, as <see cref="TextGenerator.Generate"/>). Settings errors throw at once;
    /// the request is queued when enumeration starts. Cancelling, or leaving the enumeration early, frees its rows at the
    /// next step.
    /// </summary>
    /// <param name="session">Who asks (a browser tab, an API key, a CLI run): fairness is per session.</param>
    /// <param name="prompts">Token ids per prompt, each non-empty.</param>
    /// <param name="settings">Decoding settings (resolved against the model here; resolve them first to learn a fresh seed).</param>
    /// <param name="options">What to report; null: <see cref="GenerationOptions.Default"/>.</param>
    /// <param name="stats">Timings, time to first token included, if given.</param>
    /// <param name="position">Hears the number of requests ahead while waiting, then <see cref="Admitted"/>.</param>
    /// <param name="cancellationToken">Leaves the queue, or the batch within one step.</param>
    /// <exception cref="ArgumentException">Invalid settings or options, or an empty prompt.</exception>
    /// <exception cref="ModelException">Token ids out of range, or a prompt that fills the context.</exception>
    /// <exception cref="QueueFullException">On enumeration: too many requests already wait for the model.</exception>
    public IAsyncEnumerable<GenerationStep> GenerateAsync(string session, IReadOnlyList<int[]> prompts, DecodingSettings settings,
        GenerationOptions? options = null, GenerationStats? stats = null, IProgress<int>? position = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        options ??= GenerationOptions.Default;
        var resolved = TextGenerator.Prepare(model, prompts, settings, options);
        return Stream(session, prompts, resolved, options, stats ?? new GenerationStats(), position, cancellationToken);
    }

    async IAsyncEnumerable<GenerationStep> Stream(string session, IReadOnlyList<int[]> prompts, DecodingSettings settings, GenerationOptions options,
        GenerationStats stats, IProgress<int>? position, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<GenerationStep>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sink = new ChannelSink(channel.Writer, () => Interlocked.Increment(ref tokens));
        var groups = TextGenerator.CreateGroups(model, prompts, settings, options, sink, stats, stop.Token);
        sink.Expect(groups.Count);
        var pending = new Pending(session, position, groups, null, stats) { Ended = sink.Ended };
        Submit(pending, stop.Token);
        try
        {
            await foreach (var step in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested();      // steps decoded before the cancel are dropped
                yield return step;
            }
        }
        finally
        {
            stop.Cancel();                       // leaves the line, or the batch at the next step
            await sink.Ended.ConfigureAwait(false);
            stop.Dispose();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> alone on the model (e.g. scoring a prompt) when this session's turn comes, between
    /// two batch steps, on the scheduler's thread.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled while waiting or running.</exception>
    /// <exception cref="QueueFullException">Too many requests already wait for the model.</exception>
    public async Task<T> RunAloneAsync<T>(string session, Func<CancellationToken, T> work, IProgress<int>? position = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = new Pending(session, position, [], () =>
        {
            try { done.TrySetResult(work(cancellationToken)); }
            catch (OperationCanceledException) { done.TrySetCanceled(cancellationToken); }
            catch (Exception e) { done.TrySetException(e); }
        }, null) { Abandoned = () => done.TrySetCanceled(cancellationToken) };
        Submit(pending, cancellationToken);
        return await done.Task.ConfigureAwait(false);
    }

    /// <summary>What the scheduler is doing now.</summary>
    public SchedulerSnapshot Snapshot()
    {
        lock (gate)
            return new SchedulerSnapshot(model.Folder.Name, activeRequests, activeRows, line.Count, TokensPerSecond(), lastTimeToFirstToken, steps, Interlocked.Read(ref tokens));
    }

    void Submit(Pending pending, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (line.Count >= options.MaxWaiting) throw new QueueFullException(model.Folder.Name, options.MaxWaiting);
            pending.Enqueued = Stopwatch.GetTimestamp();
            line.Enqueue(pending);
            ReportPositions();
            if (!looping)
            {
                looping = true;
                new Thread(Loop) { IsBackground = true, Name = $"batch scheduler {model.Folder.Name}" }.Start();
            }
        }
        pending.Registration = cancellationToken.Register(() => Abandon(pending));
    }

    void Abandon(Pending pending)
    {
        lock (gate)
        {
            if (pending.Admitted || !line.Remove(pending)) return;      // running: the decoder drops it at the next step
            ReportPositions();
        }
        foreach (var group in pending.Groups) group.End(new OperationCanceledException(group.Cancellation));
        pending.Abandoned?.Invoke();
        pending.Registration.Dispose();
    }

    void Loop()
    {
        while (true)
        {
            List<Pending> admitted;
            bool stepped = false;
            options.BeforeStep?.Invoke();
            lock (gate)
            {
                admitted = Admit();
                if (admitted.Count == 0 && decoder.IsEmpty)
                {
                    looping = false;
                    active.Clear();
                    activeRequests = activeRows = 0;
                    return;
                }
            }
            active.AddRange(admitted.Where(p => p.Work is null));
            try
            {
                var joining = new List<SequenceGroup>();
                foreach (var pending in admitted)
                {
                    pending.Registration.Dispose();
                    if (pending.Work is { } work) { work(); continue; }
                    foreach (var group in pending.Groups)
                    {
                        var stats = pending.Stats!;
                        long enqueued = pending.Enqueued;
                        group.FirstStep = () => FirstToken(stats, enqueued);
                        joining.Add(group);
                    }
                }
                // requests on the same prompt (a cell's variants) share one prefill; the others join one by one, so each
                // streams its first token as soon as its own prompt has run
                foreach (var cluster in joining.GroupBy(PromptKey))
                    decoder.Join(cluster.ToList());
                stepped = decoder.Rows > 0;
                decoder.Step();
            }
            catch (Exception e)
            {
                // the decoder ends groups on model errors; anything else must not kill the loop with requests waiting on it
                Trace.TraceError($"batch scheduler {model.Folder.Name}: {e}");
            }
            Stepped(stepped);
        }
    }

    /// <summary>Groups whose rows all continue one prompt share a key (the prompt); any other group has a key of its own.</summary>
    static object PromptKey(SequenceGroup group)
    {
        var first = group.Prompts[0];
        return group.Prompts.All(p => p.AsSpan().SequenceEqual(first)) ? string.Join(',', first) : group;
    }

    /// <summary>Admits waiting requests in fair order while they fit. Call under the gate, on the loop thread.</summary>
    List<Pending> Admit()
    {
        var admitted = new List<Pending>();
        int rows = decoder.Rows, projected = decoder.ProjectedLength;
        while (line.Peek() is { } next)
        {
            if (next.Work is null)
            {
                int newRows = rows + next.Rows, newProjected = Math.Max(projected, next.ProjectedLength);
                bool fits = newRows <= options.MaxBatchRows && (long)newRows * newProjected * bytesPerToken <= options.KvBudgetBytes;
                if (!fits && (rows > 0 || admitted.Count > 0)) break;            // an oversized request still runs, alone
                rows = newRows;
                projected = newProjected;
            }
            line.Dequeue();
            next.Admitted = true;
            admitted.Add(next);
            next.Position?.Report(Admitted);
        }
        if (admitted.Count > 0) ReportPositions();
        return admitted;
    }

    void FirstToken(GenerationStats stats, long enqueued)
    {
        var elapsed = Stopwatch.GetElapsedTime(enqueued);
        stats.TimeToFirstToken = elapsed;
        lock (gate) lastTimeToFirstToken = elapsed;
        SchedulerMetrics.TimeToFirstToken.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("model", model.Folder.Name));
    }

    /// <summary>Updates the live figures after a step.</summary>
    void Stepped(bool stepped)
    {
        active.RemoveAll(p => p.Ended!.IsCompleted);
        var tag = new KeyValuePair<string, object?>("model", model.Folder.Name);
        lock (gate)
        {
            long total = Interlocked.Read(ref tokens);
            if (stepped)
            {
                steps++;
                SchedulerMetrics.DecodeSteps.Add(1, tag);
            }
            activeRows = decoder.Rows;
            activeRequests = active.Count;
            if (total > reportedTokens) SchedulerMetrics.Tokens.Add(total - reportedTokens, tag);
            reportedTokens = total;
            long now = Stopwatch.GetTimestamp();
            window.Enqueue((now, total));
            while (window.Count > 2 && Stopwatch.GetElapsedTime(window.Peek().Time, now) > TimeSpan.FromSeconds(5)) window.Dequeue();
        }
    }

    double TokensPerSecond()
    {
        if (window.Count < 2) return 0;
        var (firstTime, firstTokens) = window.Peek();
        var (lastTime, lastTokens) = window.Last();
        var seconds = Stopwatch.GetElapsedTime(firstTime, lastTime).TotalSeconds;
        if (Stopwatch.GetElapsedTime(lastTime) > TimeSpan.FromSeconds(5)) return 0;   // idle since
        return seconds > 0 ? (lastTokens - firstTokens) / seconds : 0;
    }

    /// <summary>Tells every waiting request how many are ahead of it. Call under the gate.</summary>
    void ReportPositions()
    {
        int ahead = 0;
        foreach (var waiting in line.InServiceOrder())
        {
            waiting.Position?.Report(ahead);
            ahead++;
        }
    }

    /// <summary>A request in the line: sequence groups to decode, or work to run alone.</summary>
    sealed class Pending(string session, IProgress<int>? position, IReadOnlyList<SequenceGroup> groups, Action? work, GenerationStats? stats)
    {
        public string Session { get; } = session;
        public IProgress<int>? Position { get; } = position;
        public IReadOnlyList<SequenceGroup> Groups { get; } = groups;
        public Action? Work { get; } = work;
        public GenerationStats? Stats { get; } = stats;
        public Action? Abandoned { get; init; }
        public int Rows { get; } = groups.Sum(g => g.Prompts.Count);
        public int ProjectedLength { get; } = groups.Count == 0 ? 0 : groups.Max(g => g.ProjectedLength);
        public long Enqueued { get; set; }
        public bool Admitted { get; set; }
        public Task? Ended { get; init; }
        public CancellationTokenRegistration Registration { get; set; }
    }

    /// <summary>Writes a request's steps to its channel; completes it when all its groups ended, or at the first error.</summary>
    sealed class ChannelSink(ChannelWriter<GenerationStep> writer, Action counted) : IStepSink
    {
        readonly TaskCompletionSource ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        int remaining;

        /// <summary>Completes when every group has ended.</summary>
        public Task Ended => ended.Task;

        public void Expect(int groups) => remaining = groups;

        public void Step(GenerationStep step)
        {
            counted();
            writer.TryWrite(step);
        }

        public void End(Exception? error)
        {
            if (error is not null) writer.TryComplete(error);
            if (Interlocked.Decrement(ref remaining) == 0)
            {
                writer.TryComplete();
                ended.TrySetResult();
            }
        }
    }
}
