namespace GptPlayground.Inference.Serving;

/// <summary>
/// At most <see cref="Slots"/> requests run at once; the others wait in a <see cref="FairLine{T}"/> (round-robin across
/// sessions). For work that is not batched on this machine, such as calls to a remote model's server.
/// </summary>
/// <example>
/// <code>
/// using var turn = await gate.EnterAsync(sessionId, new Progress&lt;int&gt;(ahead => ShowPosition(ahead)), ct);
/// // call the server; disposing the turn lets the next request in
/// </code>
/// </example>
public sealed class FairGate
{
    readonly Lock gate = new();
    readonly FairLine<Request> line = new(r => r.Session);
    readonly string name;
    int running;

    /// <summary>A gate named <paramref name="name"/> (for messages) with <paramref name="slots"/> slots and room for <paramref name="maxWaiting"/> waiting requests.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit below 1.</exception>
    public FairGate(string name, int slots, int maxWaiting = 256)
    {
        if (slots < 1) throw new ArgumentOutOfRangeException(nameof(slots), slots, $"slots (={slots}) must be >= 1");
        if (maxWaiting < 1) throw new ArgumentOutOfRangeException(nameof(maxWaiting), maxWaiting, $"waiting requests (={maxWaiting}) must be >= 1");
        this.name = name;
        Slots = slots;
        MaxWaiting = maxWaiting;
    }

    /// <summary>Requests that may run at once.</summary>
    public int Slots { get; }

    /// <summary>Requests that may wait; one more is refused.</summary>
    public int MaxWaiting { get; }

    /// <summary>Requests running now.</summary>
    public int Running { get { lock (gate) return running; } }

    /// <summary>Requests waiting now.</summary>
    public int Waiting { get { lock (gate) return line.Count; } }

    /// <summary>
    /// Waits for a slot. <paramref name="position"/> hears the requests ahead while waiting, then
    /// <see cref="BatchScheduler.Admitted"/>. Dispose the turn when done.
    /// </summary>
    /// <exception cref="QueueFullException"><see cref="MaxWaiting"/> requests already wait.</exception>
    /// <exception cref="OperationCanceledException">Cancelled while waiting.</exception>
    public async Task<IDisposable> EnterAsync(string session, IProgress<int>? position = null, CancellationToken cancellationToken = default)
    {
        var request = new Request(session, position);
        lock (gate)
        {
            if (running >= Slots && line.Count >= MaxWaiting) throw new QueueFullException(name, MaxWaiting);
            line.Enqueue(request);
            Dispatch();
        }
        using (cancellationToken.Register(() => Abandon(request)))
            await request.Granted.Task.ConfigureAwait(false);
        return new Turn(this);
    }

    void Abandon(Request request)
    {
        lock (gate)
        {
            if (!line.Remove(request)) return;                   // already running: the caller disposes its turn
            request.Granted.TrySetCanceled();
            Report();
        }
    }

    void Release()
    {
        lock (gate)
        {
            running--;
            Dispatch();
        }
    }

    /// <summary>Grants free slots in fair order, then tells every waiter its place. Call under the gate.</summary>
    void Dispatch()
    {
        while (running < Slots && line.Dequeue() is { } next)
        {
            running++;
            next.Position?.Report(BatchScheduler.Admitted);
            next.Granted.TrySetResult();
        }
        Report();
    }

    void Report()
    {
        int ahead = 0;
        foreach (var waiting in line.InServiceOrder()) waiting.Position?.Report(ahead++);
    }

    sealed class Request(string session, IProgress<int>? position)
    {
        public string Session { get; } = session;
        public IProgress<int>? Position { get; } = position;
        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    sealed class Turn(FairGate owner) : IDisposable
    {
        int disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) owner.Release();
        }
    }
}
