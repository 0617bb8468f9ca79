using GptPlayground.Inference.Models;

namespace GptPlayground.Inference.Serving;

/// <summary>
/// The generation service of a process: one <see cref="BatchScheduler"/> per loaded model, shared by every session
/// (browser tabs, API clients, CLI runs). Requests wait in the model's fair line and decode together in its batch.
/// </summary>
/// <example>
/// <code>
/// await foreach (var step in queue.For(model).GenerateAsync(sessionId, [ids], settings, cancellationToken: ct))
///     Console.Write(step.Text);
/// </code>
/// </example>
public sealed class GenerationQueue
{
    readonly Lock gate = new();
    readonly Dictionary<string, BatchScheduler> schedulers = new(StringComparer.Ordinal);

    /// <summary>A service whose schedulers admit by <paramref name="options"/> (null: <see cref="SchedulerOptions.Default"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Invalid options.</exception>
    public GenerationQueue(SchedulerOptions? options = null)
    {
        Options = options ?? SchedulerOptions.Default;
        Options.Validate();
    }

    /// <summary>The admission limits of every model's scheduler.</summary>
    public SchedulerOptions Options { get; }

    /// <summary>The scheduler of <paramref name="model"/> (created on first use; a reloaded model gets a new one).</summary>
    public BatchScheduler For(LanguageModel model)
    {
        lock (gate)
        {
            var name = model.Folder.Name;
            if (!schedulers.TryGetValue(name, out var scheduler) || scheduler.Model != model)
                schedulers[name] = scheduler = new BatchScheduler(model, Options);
            return scheduler;
        }
    }

    /// <summary>What the scheduler of the model named <paramref name="model"/> is doing, or null if it never ran.</summary>
    public SchedulerSnapshot? Snapshot(string model)
    {
        lock (gate) return schedulers.TryGetValue(model, out var scheduler) ? scheduler.Snapshot() : null;
    }
}
