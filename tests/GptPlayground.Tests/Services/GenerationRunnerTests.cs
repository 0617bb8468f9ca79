using GptPlayground.Decoding;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Serving;
using GptPlayground.Services;

namespace GptPlayground.Tests.Services;

/// <summary>Every generation goes through the model's scheduler (fair line, shared batch); closing a tab (its session) cancels its generations.</summary>
public class GenerationRunnerTests(GptPlayground.Tests.Web.WebModels models) : IClassFixture<GptPlayground.Tests.Web.WebModels>
{
    static readonly DecodingSettings Long = new() { MaxNewTokens = 1000, MinNewTokens = 1000 };

    (GenerationRunner Runner, PlaygroundSession Session) Tab(ModelCatalog catalog, GenerationQueue queue)
    {
        var session = new PlaygroundSession();
        return (new GenerationRunner(catalog, queue, session), session);
    }

    [Fact]
    public async Task Closing_the_session_cancels_its_running_generation_within_a_step()
    {
        using var catalog = new ModelCatalog(models.Directory);
        var queue = new GenerationQueue();
        var (runner, session) = Tab(catalog, queue);
        int steps = 0;

        var run = Task.Run(async () =>
        {
            await foreach (var _ in runner.RunAsync(new RunRequest("tiny", [1, 2, 3], Long), new RunProgress()))
                if (++steps == 3) session.Close();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.InRange(steps, 3, 40);
        Assert.True(await Idle(queue, "tiny"), "the closed tab's rows were not freed");
    }

    [Fact]
    public async Task Two_tabs_generate_at_the_same_time_in_one_batch()
    {
        using var catalog = new ModelCatalog(models.Directory);
        var queue = new GenerationQueue();
        var (first, firstSession) = Tab(catalog, queue);
        var (second, _) = Tab(catalog, queue);
        var firstStarted = new TaskCompletionSource();
        int firstSteps = 0, firstStepsWhenSecondStarted = -1;
        var firstRun = Task.Run(async () =>
        {
            await foreach (var _ in first.RunAsync(new RunRequest("tiny", [1, 2, 3], Long), new RunProgress()))
            {
                Interlocked.Increment(ref firstSteps);
                firstStarted.TrySetResult();
            }
        });
        await firstStarted.Task;

        await foreach (var step in second.RunAsync(new RunRequest("tiny", [4, 5], Long with { MaxNewTokens = 5, MinNewTokens = 5 }), new RunProgress()))
            if (step.Index == 0) firstStepsWhenSecondStarted = Volatile.Read(ref firstSteps);
        firstSession.Close();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => firstRun);

        Assert.InRange(firstStepsWhenSecondStarted, 1, 999);      // the first tab was still generating: the second did not wait for it
    }

    static async Task<bool> Idle(GenerationQueue queue, string model)
    {
        for (int i = 0; i < 500; i++)
        {
            if (queue.Snapshot(model) is { ActiveRequests: 0, ActiveSequences: 0, Waiting: 0 }) return true;
            await Task.Delay(10);
        }
        return false;
    }

    [Fact]
    public async Task Second_tab_waits_with_its_position_and_leaves_the_queue_when_its_tab_closes()
    {
        using var catalog = new ModelCatalog(models.Directory);
        var queue = new GenerationQueue(new SchedulerOptions { MaxBatchRows = 1 });   // a full batch: the second tab must wait
        var (first, firstSession) = Tab(catalog, queue);
        var (second, secondSession) = Tab(catalog, queue);
        var started = new TaskCompletionSource();
        var firstRun = Task.Run(async () =>
        {
            await foreach (var _ in first.RunAsync(new RunRequest("tiny", [1, 2, 3], Long), new RunProgress()))
                started.TrySetResult();
        });
        await started.Task;
        var progress = new RunProgress();
        var positions = new List<int?>();
        progress.Changed += () => { lock (positions) positions.Add(progress.QueuePosition); };

        var secondRun = Task.Run(async () => { await foreach (var _ in second.RunAsync(new RunRequest("tiny", [4, 5], Long), progress)) { } });
        var until = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < until && progress.QueuePosition != 1) await Task.Delay(10);
        int? waitingAt = progress.QueuePosition;
        secondSession.Close();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => secondRun);
        firstSession.Close();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => firstRun);

        Assert.Equal(1, waitingAt);
        Assert.True(await Idle(queue, "tiny"), "a closed tab's request stayed in the line or the batch");
    }
}
