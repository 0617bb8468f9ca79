using System.Diagnostics;

namespace GptPlayground.Services;

/// <summary>
/// Coalesces the render requests of a running job (a streaming cell, a dataset run) into at most one render per
/// <see cref="Interval"/>, never more than one at a time, and never loses the last one: a request that arrives while a
/// render is waiting or going is folded into the next render, which reads the state as it is then. The job calls
/// <see cref="Request"/> after every change (every token, every result) without waiting for the view, and
/// <see cref="RenderNowAsync"/> once when it ends (finished, cancelled or failed), so the final state is always shown.
/// </summary>
/// <example>
/// <code>
/// var throttle = new RenderThrottle(() => InvokeAsync(StateHasChanged), RenderThrottle.StreamingInterval);
/// await foreach (var step in steps) { Apply(step); throttle.Request(); }
/// await throttle.RenderNowAsync();
/// </code>
/// </example>
public sealed class RenderThrottle
{
    /// <summary>The least time between two renders of a streaming cell: 80 ms (about 12 renders a second, however fast tokens come).</summary>
    public static readonly TimeSpan StreamingInterval = TimeSpan.FromMilliseconds(80);

    readonly Func<Task> render;
    readonly object gate = new();
    readonly Stopwatch sinceRender = new();
    bool scheduled, requested;

    /// <summary>A throttle that renders through <paramref name="render"/> at most once per <paramref name="interval"/>.</summary>
    /// <param name="render">Renders the view (e.g. <c>() =&gt; InvokeAsync(StateHasChanged)</c>); called from any thread.</param>
    /// <param name="interval">The least time between the starts of two throttled renders; zero renders every request
    /// (one at a time, still coalescing the requests that arrive meanwhile).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is negative.</exception>
    public RenderThrottle(Func<Task> render, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(render);
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.Zero);
        this.render = render;
        Interval = interval;
    }

    /// <summary>The least time between two throttled renders.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Renders done so far (throttled and immediate).</summary>
    public int Renders => Volatile.Read(ref renders);
    int renders;

    /// <summary>
    /// Asks for a render and returns at once (from any thread): the render comes when <see cref="Interval"/> has passed
    /// since the last one; requests meanwhile share it.
    /// </summary>
    public void Request()
    {
        lock (gate)
        {
            requested = true;
            if (scheduled) return;
            scheduled = true;
        }
        _ = RenderLoopAsync();
    }

    /// <summary><see cref="Request"/> as a render callback (<c>Func&lt;Task&gt;</c>): asks for a render and returns a completed task.</summary>
    public Task RequestAsync()
    {
        Request();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Renders now, whatever the interval, and answers the requests made so far (the final render when a run ends).
    /// A throttled render already under way may still end after it; it reads the same state.
    /// </summary>
    public Task RenderNowAsync()
    {
        lock (gate)
        {
            requested = false;
            sinceRender.Restart();
        }
        return RenderOnceAsync();
    }

    async Task RenderLoopAsync()
    {
        while (true)
        {
            TimeSpan wait;
            lock (gate) wait = sinceRender.IsRunning ? Interval - sinceRender.Elapsed : TimeSpan.Zero;
            if (wait > TimeSpan.Zero) await Task.Delay(wait).ConfigureAwait(false);
            lock (gate)
            {
                if (!requested) { scheduled = false; return; }     // a RenderNowAsync answered it meanwhile
                requested = false;
                sinceRender.Restart();
            }
            try { await RenderOnceAsync().ConfigureAwait(false); }
            catch
            {
                lock (gate) scheduled = false;     // a failed render does not stop the later ones
                throw;
            }
        }
    }

    async Task RenderOnceAsync()
    {
        Interlocked.Increment(ref renders);
        try { await render().ConfigureAwait(false); }
        catch (ObjectDisposedException) { }      // the view went away (the circuit closed) while the job ran: nothing to show
    }
}
