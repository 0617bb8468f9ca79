using GptPlayground.Services;
using GptPlayground.Web;
using Microsoft.Extensions.Configuration;

namespace GptPlayground.Tests.Web;

/// <summary>When a tab's session is closed: circuit closed at once; connection down only after the grace period.</summary>
public class SessionCircuitHandlerTests
{
    static SessionCircuitHandler Handler(PlaygroundSession session, double graceSeconds) =>
        new(session, new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [SessionCircuitHandler.GraceKey] = graceSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build());

    [Fact]
    public async Task Circuit_closed_ends_the_session_for_good()
    {
        using var session = new PlaygroundSession();
        var token = session.Closed;

        await Handler(session, 10).OnCircuitClosedAsync(null!, default);
        session.Resume();

        Assert.True(token.IsCancellationRequested);
        Assert.True(session.Closed.IsCancellationRequested);
        Assert.True(session.IsClosed);
    }

    [Fact]
    public async Task Connection_down_longer_than_the_grace_period_cancels_and_a_reconnect_gets_a_fresh_token()
    {
        using var session = new PlaygroundSession();
        var handler = Handler(session, 0.05);
        var token = session.Closed;

        await handler.OnConnectionDownAsync(null!, default);
        await Task.Delay(500);
        await handler.OnConnectionUpAsync(null!, default);

        Assert.True(token.IsCancellationRequested);
        Assert.False(session.Closed.IsCancellationRequested);
        Assert.False(session.IsClosed);
    }

    [Fact]
    public async Task Connection_back_within_the_grace_period_keeps_the_generations()
    {
        using var session = new PlaygroundSession();
        var handler = Handler(session, 5);
        var token = session.Closed;

        await handler.OnConnectionDownAsync(null!, default);
        await handler.OnConnectionUpAsync(null!, default);

        Assert.False(token.IsCancellationRequested);
    }
}
