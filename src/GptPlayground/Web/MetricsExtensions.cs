using GptPlayground.Inference.Serving;
using OpenTelemetry.Metrics;

namespace GptPlayground.Web;

/// <summary>
/// <c>GET /metrics</c>: the engine's instruments (<see cref="SchedulerMetrics"/>: active sequences and requests, queue length,
/// tokens per second, generated tokens, decode steps, time to first token; tagged by model) in Prometheus text format,
/// through OpenTelemetry's Prometheus exporter. Behind the same access rules as every page.
/// </summary>
public static class MetricsExtensions
{
    /// <summary>The scrape path.</summary>
    public const string Path = "/metrics";

    /// <summary>Registers OpenTelemetry metrics with the engine's meter and the Prometheus exporter.</summary>
    public static WebApplicationBuilder AddPlaygroundMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(SchedulerMetrics.MeterName)
            .AddView("gptplayground.time_to_first_token", new ExplicitBucketHistogramConfiguration
            {
                Boundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
            })
            .AddPrometheusExporter());
        return builder;
    }

    /// <summary>Maps <see cref="Path"/>.</summary>
    public static WebApplication MapPlaygroundMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(Path);
        return app;
    }
}
