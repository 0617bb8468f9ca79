using Microsoft.AspNetCore.Components.Server.Circuits;

namespace GptPlayground.Web;

/// <summary>
/// One browser tab (one Blazor circuit): an id that the <see cref="Inference.Serving.GenerationQueue"/> uses for
/// fairness, and a token that is cancelled when the tab closes, so that its queued and running generations stop.
/// Registered as a scoped service: Blazor Server creates one scope per circuit.
/// </summary>
public sealed class PlaygroundSession : IDisposable
{
    readonly CancellationTokenSource closed = new();

    /// <summary>A short random id, unique per tab.</summary>
    public string Id { get; } = Guid.NewGuid().ToString("N")[..12];

    /// <summary>Cancelled when the circuit closes (tab closed, reloaded, or navigated away from the app).</summary>
    public CancellationToken Closed => closed.Token;

    /// <summary>True once <see cref="Close"/> ran.</summary>
    public bool IsClosed => closed.IsCancellationRequested;

    /// <summary>Cancels every generation of this session. Safe to call more than once.</summary>
    public void Close()
    {
        try { closed.Cancel(); }
        catch (ObjectDisposedException) { }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Close();
        closed.Dispose();
    }
}

/// <summary>Closes the circuit's <see cref="PlaygroundSession"/> when the circuit closes.</summary>
/// <remarks>
/// A closed tab sends blazor.web.js's disconnect beacon, so the circuit closes at once; a lost connection
/// (<see cref="CircuitHandler.OnConnectionDownAsync"/>) is not a close: the tab may reconnect and keep its generations.
/// </remarks>
public sealed class SessionCircuitHandler(PlaygroundSession session) : CircuitHandler
{
    /// <inheritdoc/>
    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        session.Close();
        return Task.CompletedTask;
    }
}
