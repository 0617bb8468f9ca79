using System.Diagnostics;
using GptPlayground.Services;

namespace GptPlayground.Tests.Services;

/// <summary>
/// The render throttle of streaming cells and dataset runs: many requests make few renders, none at once, the last
/// request is always rendered, and the final render comes at once.
/// </summary>
public class RenderThrottleTests
{
    /// <summary>A render that counts itself, notes whether two ever overlapped, and takes <paramref name="takes"/>.</summary>
    sealed class CountingView(TimeSpan takes)
    {
        int running;
        public int Renders;
        public bool Overlapped;
        public int LastSeen = -1;
        public int State;

        public async Task RenderAsync()
        {
            if (Interlocked.Increment(ref running) > 1) Overlapped = true;
            Interlocked.Increment(ref Renders);
            Volatile.Write(ref LastSeen, Volatile.Read(ref State));
            await Task.Delay(takes);
            Interlocked.Decrement(ref running);
        }
    }

    static async Task Until(Func<bool> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!done() && clock.Elapsed < timeout) await Task.Delay(10);
    }

    [Fact]
    public async Task A_stream_of_requests_renders_at_most_once_per_interval_and_shows_the_last_state()
    {
        var view = new CountingView(TimeSpan.FromMilliseconds(5));
        var throttle = new RenderThrottle(view.RenderAsync, TimeSpan.FromMilliseconds(100));

        var clock = Stopwatch.StartNew();
        for (int i = 1; i <= 2000; i++)
        {
            Volatile.Write(ref view.State, i);
            throttle.Request();
            if (i % 100 == 0) await Task.Delay(25);       // about 4000 requests a second for half a second
        }
        var streamed = clock.Elapsed;
        await Until(() => Volatile.Read(ref view.LastSeen) == 2000, TimeSpan.FromSeconds(10));

        Assert.Equal(2000, view.LastSeen);
        Assert.True(view.Renders <= streamed / throttle.Interval + 2, $"{view.Renders} renders in {streamed.TotalMilliseconds:0} ms");
        Assert.False(view.Overlapped);
    }

    [Fact]
    public async Task Requests_during_a_slow_render_are_folded_into_one_render_after_it()
    {
        var view = new CountingView(TimeSpan.FromMilliseconds(300));
        var throttle = new RenderThrottle(view.RenderAsync, TimeSpan.Zero);

        throttle.Request();
        await Until(() => view.Renders == 1, TimeSpan.FromSeconds(5));
        for (int i = 1; i <= 50; i++)
        {
            Volatile.Write(ref view.State, i);
            throttle.Request();
        }
        await Until(() => Volatile.Read(ref view.LastSeen) == 50, TimeSpan.FromSeconds(10));
        await Task.Delay(400);

        Assert.Equal(2, view.Renders);
        Assert.False(view.Overlapped);
    }

    [Fact]
    public async Task Render_now_renders_at_once_and_answers_the_waiting_request()
    {
        var view = new CountingView(TimeSpan.Zero);
        var throttle = new RenderThrottle(view.RenderAsync, TimeSpan.FromSeconds(1));
        throttle.Request();
        await Until(() => view.Renders == 1, TimeSpan.FromSeconds(5));
        Volatile.Write(ref view.State, 7);
        throttle.Request();                                 // waits for the interval

        var clock = Stopwatch.StartNew();
        await throttle.RenderNowAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(900), $"the final render took {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(7, view.LastSeen);
        await Task.Delay(1300);
        Assert.Equal(2, view.Renders);                      // the waiting request was answered by the final render
    }

    [Fact]
    public void A_negative_interval_is_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new RenderThrottle(() => Task.CompletedTask, TimeSpan.FromMilliseconds(-1)));
        Assert.Equal("interval", e.ParamName);
    }
}
