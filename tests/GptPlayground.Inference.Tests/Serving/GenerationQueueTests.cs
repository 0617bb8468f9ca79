using GptPlayground.Inference.Serving;

namespace GptPlayground.Inference.Tests.Serving;

public class GenerationQueueTests
{
    /// <summary>Synchronous IProgress: records every reported position.</summary>
    sealed class Positions : IProgress<int>
    {
        public List<int> Seen { get; } = [];
        public void Report(int value) { lock (Seen) Seen.Add(value); }
        public int Last { get { lock (Seen) return Seen[^1]; } }
    }

    [Fact]
    public async Task First_request_runs_at_once_and_hears_position_zero()
    {
        var queue = new GenerationQueue();
        var positions = new Positions();

        using var turn = await queue.EnterAsync("m", "a", positions);

        Assert.Equal([0], positions.Seen);
        Assert.Equal(1, queue.Running("m"));
    }

    [Fact]
    public async Task Second_request_waits_until_the_first_turn_is_disposed()
    {
        var queue = new GenerationQueue();
        var first = await queue.EnterAsync("m", "a");
        var positions = new Positions();

        var second = queue.EnterAsync("m", "b", positions);

        Assert.False(second.IsCompleted);
        Assert.Equal(0, positions.Last);     // nobody waiting ahead of it
        Assert.Equal(1, queue.Waiting("m"));
        first.Dispose();
        using var turn = await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, queue.Waiting("m"));
    }

    [Fact]
    public async Task Sessions_are_served_round_robin_not_first_come_first_served()
    {
        var queue = new GenerationQueue();
        var running = await queue.EnterAsync("m", "busy");
        var waiting = new List<(string Name, Task<IDisposable> Turn)>
        {
            ("busy1", queue.EnterAsync("m", "busy")), ("busy2", queue.EnterAsync("m", "busy")),
            ("busy3", queue.EnterAsync("m", "busy")), ("other1", queue.EnterAsync("m", "other")),
        };
        var order = new List<string>();

        running.Dispose();
        while (waiting.Count > 0)
        {
            await Task.WhenAny(waiting.Select(w => w.Turn)).WaitAsync(TimeSpan.FromSeconds(5));
            var granted = Assert.Single(waiting, w => w.Turn.IsCompleted);   // one slot: exactly one runs
            order.Add(granted.Name);
            waiting.Remove(granted);
            (await granted.Turn).Dispose();
        }

        Assert.Equal(["busy1", "other1", "busy2", "busy3"], order);
    }

    [Fact]
    public async Task Positions_count_the_requests_ahead_in_service_order()
    {
        var queue = new GenerationQueue();
        using var running = await queue.EnterAsync("m", "a");
        var a2 = new Positions(); var a3 = new Positions(); var b1 = new Positions();

        _ = queue.EnterAsync("m", "a", a2);
        _ = queue.EnterAsync("m", "a", a3);
        _ = queue.EnterAsync("m", "b", b1);

        Assert.Equal((0, 2, 1), (a2.Last, a3.Last, b1.Last));   // a2, then b1 (round-robin), then a3
    }

    [Fact]
    public async Task Cancelling_a_waiting_request_removes_it_and_moves_the_others_up()
    {
        var queue = new GenerationQueue();
        using var running = await queue.EnterAsync("m", "a");
        using var cts = new CancellationTokenSource();
        var behind = new Positions();
        var cancelled = queue.EnterAsync("m", "b", cancellationToken: cts.Token);
        Assert.Equal((1, 1), (queue.Running("m"), queue.Waiting("m")));
        _ = queue.EnterAsync("m", "c", behind);
        Assert.Equal([1], behind.Seen);

        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(0, behind.Last);
        Assert.Equal(1, queue.Waiting("m"));
    }

    [Fact]
    public async Task Models_have_separate_queues()
    {
        var queue = new GenerationQueue();
        using var onA = await queue.EnterAsync("model-a", "s");

        var onB = queue.EnterAsync("model-b", "s");

        Assert.True(onB.IsCompletedSuccessfully);
        (await onB).Dispose();
    }

    [Fact]
    public async Task Two_slots_let_two_requests_run_and_disposing_twice_frees_one_slot()
    {
        var queue = new GenerationQueue(slotsPerModel: 2);
        var one = await queue.EnterAsync("m", "a");
        using var two = await queue.EnterAsync("m", "b");
        var three = queue.EnterAsync("m", "c");
        Assert.False(three.IsCompleted);

        one.Dispose();
        one.Dispose();

        using var third = await three.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(2, queue.Running("m"));
    }

    [Fact]
    public void Slots_below_one_are_refused_with_the_value()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new GenerationQueue(0));
        Assert.Contains("slots per model (=0) must be >= 1", error.Message);
    }

    [Fact]
    public async Task A_full_queue_refuses_the_next_request_naming_the_model_and_the_limit()
    {
        var queue = new GenerationQueue(slotsPerModel: 1, maxWaitingPerModel: 2);
        using var running = await queue.EnterAsync("m", "a");
        var waiting = new[] { queue.EnterAsync("m", "b"), queue.EnterAsync("m", "c") };

        var e = await Assert.ThrowsAsync<QueueFullException>(() => queue.EnterAsync("m", "d"));

        Assert.Contains("m: 2 requests are already waiting", e.Message);
        Assert.Equal("m", e.Model);
        using var other = await queue.EnterAsync("other-model", "d");   // the limit is per model
        Assert.Equal(2, queue.Waiting("m"));
        running.Dispose();
        (await waiting[0]).Dispose();
        (await waiting[1]).Dispose();
    }
}
