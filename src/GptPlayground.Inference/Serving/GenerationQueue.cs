namespace GptPlayground.Inference.Serving;

/// <summary>
/// One fair queue per model for generation requests from many sessions (browser tabs, CLI runs).
/// At most <see cref="SlotsPerModel"/> requests run on a model at once; the others wait. Waiting
/// requests are served round-robin across sessions: a session that queued ten cells does not make
/// everyone else wait for all ten — after each of its turns, the next session in line gets one.
/// </summary>
/// <example>
/// <code>
/// using var turn = await queue.EnterAsync("playground-mini", sessionId, new Progress&lt;int&gt;(ahead => ShowPosition(ahead)), ct);
/// // generate; disposing the turn lets the next request in
/// </code>
/// </example>
public sealed class GenerationQueue
{
    readonly Lock gate = new();
    readonly Dictionary<string, ModelLine> lines = new(StringComparer.Ordinal);

    /// <summary>
    /// Creates a queue that lets <paramref name="slotsPerModel"/> requests run on a model at once (default 1) and keeps
    /// at most <paramref name="maxWaitingPerModel"/> waiting per model (default 256); one more is refused with
    /// <see cref="QueueFullException"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="slotsPerModel"/> or <paramref name="maxWaitingPerModel"/> is below 1.</exception>
    public GenerationQueue(int slotsPerModel = 1, int maxWaitingPerModel = 256)
    {
        if (slotsPerModel < 1)
            throw new ArgumentOutOfRangeException(nameof(slotsPerModel), slotsPerModel, $"slots per model (={slotsPerModel}) must be >= 1");
        if (maxWaitingPerModel < 1)
            throw new ArgumentOutOfRangeException(nameof(maxWaitingPerModel), maxWaitingPerModel, $"waiting requests per model (={maxWaitingPerModel}) must be >= 1");
        SlotsPerModel = slotsPerModel;
        MaxWaitingPerModel = maxWaitingPerModel;
    }

    /// <summary>Requests that may wait on one model; one more is refused (<see cref="QueueFullException"/>).</summary>
    public int MaxWaitingPerModel { get; }

    /// <summary>Requests that may run on one model at the same time.</summary>
    public int SlotsPerModel { get; }

    /// <summary>
    /// Waits for this request's turn on <paramref name="model"/>. <paramref name="position"/> hears how many
    /// requests are ahead (0 when it starts running) each time that changes. Dispose the returned turn when
    /// the generation ends, successfully or not.
    /// </summary>
    /// <param name="model">The model's key (e.g. its catalog name).</param>
    /// <param name="session">Who asks (e.g. the browser circuit); fairness is per session.</param>
    /// <param name="position">Optional: receives the number of requests ahead.</param>
    /// <param name="cancellationToken">Leaves the queue without running (the turn is never granted).</param>
    /// <exception cref="OperationCanceledException">Cancelled while waiting.</exception>
    /// <exception cref="QueueFullException"><see cref="MaxWaitingPerModel"/> requests already wait on the model.</exception>
    public async Task<IDisposable> EnterAsync(string model, string session, IProgress<int>? position = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(session);
        var request = new Request(session, position);
        lock (gate)
        {
            if (!lines.TryGetValue(model, out var line)) lines[model] = line = new ModelLine();
            if (line.WaitingCount >= MaxWaitingPerModel && line.Running >= SlotsPerModel)
                throw new QueueFullException(model, MaxWaitingPerModel);
            request.Line = line;
            line.Enqueue(request);
            Dispatch(line);
        }
        using (cancellationToken.Register(() => Abandon(request)))
        {
            await request.Granted.Task.ConfigureAwait(false);
        }
        return new Turn(this, request);
    }

    /// <summary>Requests waiting (not running) on <paramref name="model"/>.</summary>
    public int Waiting(string model)
    {
        lock (gate) return lines.TryGetValue(model, out var line) ? line.WaitingCount : 0;
    }

    /// <summary>Requests running on <paramref name="model"/>.</summary>
    public int Running(string model)
    {
        lock (gate) return lines.TryGetValue(model, out var line) ? line.Running : 0;
    }

    void Abandon(Request request)
    {
        lock (gate)
        {
            if (request.Granted.Task.IsCompleted) return;        // already running: the caller disposes its turn
            request.Line!.Remove(request);
            request.Granted.TrySetCanceled();
            Report(request.Line);
        }
    }

    void Release(Request request)
    {
        lock (gate)
        {
            var line = request.Line!;
            line.Running--;
            Dispatch(line);
        }
    }

    /// <summary>Grants free slots in round-robin order, then tells every waiter its new position. Call under the gate.</summary>
    void Dispatch(ModelLine line)
    {
        while (line.Running < SlotsPerModel && line.Dequeue() is { } next)
        {
            line.Running++;
            next.Position?.Report(0);
            next.Granted.TrySetResult();
        }
        Report(line);
    }

    static void Report(ModelLine line)
    {
        int ahead = 0;
        foreach (var waiting in line.InServiceOrder())
        {
            waiting.Position?.Report(ahead);
            ahead++;                                 // not inside ?.(): a waiter without a listener still counts
        }
    }

    sealed class Request(string session, IProgress<int>? position)
    {
        public string Session { get; } = session;
        public IProgress<int>? Position { get; } = position;
        public ModelLine? Line { get; set; }
        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The waiting requests of one model: a FIFO per session, sessions served in rotation.</summary>
    sealed class ModelLine
    {
        readonly LinkedList<string> rotation = new();                   // sessions with waiting requests, next to serve first
        readonly Dictionary<string, Queue<Request>> bySession = new(StringComparer.Ordinal);

        public int Running { get; set; }
        public int WaitingCount => bySession.Values.Sum(q => q.Count);

        public void Enqueue(Request request)
        {
            if (!bySession.TryGetValue(request.Session, out var queue))
            {
                bySession[request.Session] = queue = new Queue<Request>();
                rotation.AddLast(request.Session);
            }
            queue.Enqueue(request);
        }

        public Request? Dequeue()
        {
            if (rotation.First is not { } first) return null;
            var session = first.Value;
            var queue = bySession[session];
            var request = queue.Dequeue();
            rotation.RemoveFirst();
            if (queue.Count > 0) rotation.AddLast(session);           // its next request waits for everyone else's turn
            else bySession.Remove(session);
            return request;
        }

        public void Remove(Request request)
        {
            if (!bySession.TryGetValue(request.Session, out var queue)) return;
            var rest = queue.Where(r => r != request).ToList();
            if (rest.Count == 0) { bySession.Remove(request.Session); rotation.Remove(request.Session); }
            else bySession[request.Session] = new Queue<Request>(rest);
        }

        /// <summary>The waiting requests in the order they will be served if nobody else arrives.</summary>
        public IEnumerable<Request> InServiceOrder()
        {
            var queues = rotation.Select(s => new Queue<Request>(bySession[s])).ToList();
            while (queues.Count > 0)
            {
                var next = new List<Queue<Request>>();
                foreach (var q in queues)
                {
                    yield return q.Dequeue();
                    if (q.Count > 0) next.Add(q);
                }
                queues = next;
            }
        }
    }

    sealed class Turn(GenerationQueue queue, Request request) : IDisposable
    {
        int disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) queue.Release(request);
        }
    }
}

/// <summary>A model's queue already holds as many waiting requests as it may (<see cref="GenerationQueue.MaxWaitingPerModel"/>); try again later.</summary>
public sealed class QueueFullException(string model, int limit)
    : Exception($"{model}: {limit} requests are already waiting for this model (Playground:MaxWaitingPerModel = {limit}); try again when some have finished")
{
    /// <summary>The model whose queue is full.</summary>
    public string Model { get; } = model;
}
