using Microsoft.AspNetCore.Components.Server.Circuits;

namespace GptPlayground.Web;

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

/// <summary>
/// Closes the circuit's <see cref="PlaygroundSession"/> when the circuit closes, or when its connection stays down
/// longer than <see cref="GracePeriod"/>.
/// </summary>
/// <remarks>
/// A closed tab normally sends blazor.web.js's disconnect beacon and the circuit closes at once. When the beacon is lost
/// (a killed browser, a dropped network), Blazor keeps the circuit for minutes in case the tab reconnects; its
/// generations would hold the model's queue all that time. So a connection that is down for longer than the grace
/// period closes the session (its generations stop); a tab that reconnects sooner keeps them.
/// </remarks>
public sealed class SessionCircuitHandler(PlaygroundSession session, IConfiguration configuration) : CircuitHandler, IDisposable
{
    /// <summary>Configuration key: seconds a connection may be down before the session's generations are cancelled (default 10).</summary>
    public const string GraceKey = "Playground:DisconnectGraceSeconds";

    Timer? grace;

    /// <summary>How long a dropped connection may stay down before the session closes.</summary>
    public TimeSpan GracePeriod => TimeSpan.FromSeconds(configuration.GetValue<double?>(GraceKey) ?? 10);

    /// <inheritdoc/>
    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        grace?.Dispose();
        grace = new Timer(_ => session.Close(), null, GracePeriod, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        grace?.Dispose();
        grace = null;
        session.Resume();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        session.End();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public void Dispose() => grace?.Dispose();
}
