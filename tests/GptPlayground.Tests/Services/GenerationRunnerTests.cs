using GptPlayground.Decoding;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Serving;
using GptPlayground.Services;

namespace GptPlayground.Tests.Services;

/// <summary>Every generation goes through the fair queue; closing a tab (its session) cancels its generations.</summary>
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
        Assert.Equal(0, queue.Running("tiny") + queue.Running(catalog.Resolve("tiny")));
    }

    [Fact]
    public async Task Second_tab_waits_with_its_position_and_leaves_the_queue_when_its_tab_closes()
    {
        using var catalog = new ModelCatalog(models.Directory);
        var queue = new GenerationQueue();
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
        Assert.Equal(0, queue.Waiting(catalog.Resolve("tiny")));
    }
}
