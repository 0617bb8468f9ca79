using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace GptPlayground.Inference.Serving;

/// <summary>
/// The engine's instruments, on the meter <c>GptPlayground.Inference</c> (System.Diagnostics.Metrics; the app exports
/// them to /metrics). Every instrument is tagged with the model's name.
/// </summary>
public static class SchedulerMetrics
{
    /// <summary>The meter's name, for exporters.</summary>
    public const string MeterName = "GptPlayground.Inference";

    static readonly Meter Meter = new(MeterName);
    static readonly ConditionalWeakTable<BatchScheduler, object?> Schedulers = new();

    internal static readonly Counter<long> Tokens = Meter.CreateCounter<long>("gptplayground.generated_tokens", "{token}", "Tokens generated, all requests");
    internal static readonly Counter<long> DecodeSteps = Meter.CreateCounter<long>("gptplayground.decode_steps", "{step}", "Batched decode steps (one model run each)");
    internal static readonly Histogram<double> TimeToFirstToken = Meter.CreateHistogram<double>("gptplayground.time_to_first_token", "s",
        "Time from submission (queueing included) to a request's first token");

    static SchedulerMetrics()
    {
        Meter.CreateObservableGauge("gptplayground.active_sequences", () => Observe(s => s.ActiveSequences), "{sequence}", "Rows in the model's batch");
        Meter.CreateObservableGauge("gptplayground.active_requests", () => Observe(s => s.ActiveRequests), "{request}", "Requests decoding in the model's batch");
        Meter.CreateObservableGauge("gptplayground.queue_length", () => Observe(s => s.Waiting), "{request}", "Requests waiting for admission");
        Meter.CreateObservableGauge("gptplayground.tokens_per_second", () => Observe(s => s.TokensPerSecond), "{token}/s",
            "Tokens generated per second over the last few seconds");
    }

    internal static void Track(BatchScheduler scheduler) => Schedulers.AddOrUpdate(scheduler, null);

    static IEnumerable<Measurement<T>> Observe<T>(Func<SchedulerSnapshot, T> value) where T : struct
    {
        foreach (var (scheduler, _) in Schedulers)
        {
            var snapshot = scheduler.Snapshot();
            yield return new Measurement<T>(value(snapshot), new KeyValuePair<string, object?>("model", snapshot.Model));
        }
    }
}
