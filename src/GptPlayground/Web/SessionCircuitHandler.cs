using GptPlayground.Services;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace GptPlayground.Web;

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
    /// <summary>Configuration key: seconds a connection may be down before the session's generations are cancelled (default 5).</summary>
    public const string GraceKey = "Playground:DisconnectGraceSeconds";

    Timer? grace;

    /// <summary>How long a dropped connection may stay down before the session closes.</summary>
    public TimeSpan GracePeriod => TimeSpan.FromSeconds(configuration.GetValue<double?>(GraceKey) ?? 5);

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
