namespace GptPlayground.Services;

/// <summary>
/// One browser tab (one Blazor circuit): an id that the <see cref="Inference.Serving.GenerationQueue"/> uses for
/// fairness, and a token that is cancelled when the tab closes, so that its queued and running generations stop.
/// Registered as a scoped service: Blazor Server creates one scope per circuit.
/// </summary>
public sealed class PlaygroundSession : IDisposable
{
    readonly Lock gate = new();
    CancellationTokenSource stop = new();
    bool ended;

    /// <summary>A short random id, unique per tab.</summary>
    public string Id { get; } = Guid.NewGuid().ToString("N")[..12];

    /// <summary>
    /// Cancelled when the tab goes away: the circuit closed (tab closed or reloaded), or its connection stayed down
    /// too long. Read it when a generation starts: a session that reconnects gets a fresh token (<see cref="Resume"/>).
    /// </summary>
    public CancellationToken Closed { get { lock (gate) return stop.Token; } }

    /// <summary>True once <see cref="End"/> ran: the circuit is gone for good.</summary>
    public bool IsClosed { get { lock (gate) return ended; } }

    /// <summary>Cancels every generation of this session. Safe to call more than once.</summary>
    public void Close()
    {
        lock (gate)
        {
            try { stop.Cancel(); }
            catch (ObjectDisposedException) { }
        }
    }

    /// <summary>After a connection came back: new generations get a token that is not cancelled (unless the session ended).</summary>
    public void Resume()
    {
        lock (gate)
        {
            if (ended || !stop.IsCancellationRequested) return;
            stop.Dispose();
            stop = new CancellationTokenSource();
        }
    }

    /// <summary>The circuit closed: cancels everything, for good.</summary>
    public void End()
    {
        lock (gate) ended = true;
        Close();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        End();
        lock (gate) stop.Dispose();
    }
}
