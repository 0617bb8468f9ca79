namespace GptPlayground.Inference.Serving;

/// <summary>
/// Admission limits of a model's <see cref="BatchScheduler"/>. The defaults suit the project's reference machine
/// (2 cores, 24 GiB): 16 rows per batch (beyond that a CPU step grows about linearly, so more rows only add latency;
/// see docs/performance.md), a 2 GiB KV cache per model, 256 waiting requests.
/// </summary>
public sealed record SchedulerOptions
{
    /// <summary>The defaults.</summary>
    public static readonly SchedulerOptions Default = new();

    /// <summary>Rows (sequences: samples, variants, beams) decoded together at most; a request larger than this still runs, alone.</summary>
    public int MaxBatchRows { get; init; } = 16;

    /// <summary>KV cache memory a model's batch may reach, in bytes, counted at admission for every row's full projected length.</summary>
    public long KvBudgetBytes { get; init; } = 2L << 30;

    /// <summary>Requests that may wait for a model; one more is refused with <see cref="QueueFullException"/>.</summary>
    public int MaxWaiting { get; init; } = 256;

    /// <summary>Tests only: runs on the scheduler's thread before each admission round and step (to pace the loop).</summary>
    internal Action? BeforeStep { get; init; }

    /// <summary>Throws for out-of-range values, naming the setting, its value and the range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit below 1.</exception>
    public void Validate()
    {
        if (MaxBatchRows < 1) throw new ArgumentOutOfRangeException(nameof(MaxBatchRows), MaxBatchRows, $"Playground:MaxBatchRows (={MaxBatchRows}) must be >= 1");
        if (KvBudgetBytes < 1) throw new ArgumentOutOfRangeException(nameof(KvBudgetBytes), KvBudgetBytes, $"Playground:KvBudgetMiB (={KvBudgetBytes / (1 << 20)}) must be >= 1");
        if (MaxWaiting < 1) throw new ArgumentOutOfRangeException(nameof(MaxWaiting), MaxWaiting, $"Playground:MaxWaitingPerModel (={MaxWaiting}) must be >= 1");
    }
}

/// <summary>A model's queue already holds as many waiting requests as it may (<see cref="SchedulerOptions.MaxWaiting"/>); try again later.</summary>
public sealed class QueueFullException(string model, int limit)
    : Exception($"{model}: the queue is full: {limit} requests are already waiting for this model (Playground:MaxWaitingPerModel = {limit}); try again when some have finished")
{
    /// <summary>The model whose queue is full.</summary>
    public string Model { get; } = model;
}

/// <summary>What a model's scheduler is doing now (the Models page, /metrics).</summary>
/// <param name="Model">The model's name.</param>
/// <param name="ActiveRequests">Requests decoding in the batch.</param>
/// <param name="ActiveSequences">Rows in the batch (sequences of every active request).</param>
/// <param name="Waiting">Requests waiting for admission.</param>
/// <param name="TokensPerSecond">Tokens generated per second over the last few seconds, all requests together.</param>
/// <param name="LastTimeToFirstToken">Time from submission to first token of the latest request to get one.</param>
/// <param name="Steps">Batched decode steps since the scheduler started.</param>
/// <param name="Tokens">Tokens generated since the scheduler started.</param>
public sealed record SchedulerSnapshot(string Model, int ActiveRequests, int ActiveSequences, int Waiting, double TokensPerSecond,
    TimeSpan? LastTimeToFirstToken, long Steps, long Tokens);
