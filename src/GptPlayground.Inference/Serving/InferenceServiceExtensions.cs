using GptPlayground.Decoding;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GptPlayground.Inference.Serving;

/// <summary>The engine registers itself: one shared <see cref="ModelCatalog"/> and one <see cref="GenerationQueue"/> per process.</summary>
public static class InferenceServiceExtensions
{
    /// <summary>Configuration key of the models directory.</summary>
    public const string ModelsKey = "Playground:Models";

    /// <summary>Configuration key of the default execution provider: cpu (default), cuda or auto.</summary>
    public const string ProviderKey = "Playground:Provider";

    /// <summary>Configuration key of the default model's name (<see cref="ModelCatalog.ConfiguredDefault"/>).</summary>
    public const string DefaultModelKey = "Playground:DefaultModel";

    /// <summary>Configuration key: rows (sequences) a model's batch decodes together at most (default 16).</summary>
    public const string MaxBatchRowsKey = "Playground:MaxBatchRows";

    /// <summary>Configuration key: KV cache budget of a model's batch in MiB (default 2048).</summary>
    public const string KvBudgetKey = "Playground:KvBudgetMiB";

    /// <summary>Configuration key: requests that may wait for one model (default 256); more get <see cref="QueueFullException"/>.</summary>
    public const string MaxWaitingKey = "Playground:MaxWaitingPerModel";

    /// <summary>
    /// Registers a singleton <see cref="ModelCatalog"/> over <c>Playground:Models</c> (else <paramref name="defaultModels"/>)
    /// with the provider <c>Playground:Provider</c>, and one <see cref="GenerationQueue"/> (a continuous-batching scheduler
    /// per model, fair round-robin across sessions) with <c>Playground:MaxBatchRows</c>, <c>Playground:KvBudgetMiB</c> and
    /// <c>Playground:MaxWaitingPerModel</c>. Configuration is read when a service is first resolved, so settings added by
    /// a test host are seen.
    /// </summary>
    public static TBuilder AddInference<TBuilder>(this TBuilder builder, string defaultModels) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton(services =>
        {
            var config = services.GetRequiredService<IConfiguration>();
            var directory = config[ModelsKey] is { Length: > 0 } dir ? dir : defaultModels;
            var provider = config[ProviderKey] is { Length: > 0 } p ? ExecutionProviders.Parse(p) : ExecutionProvider.Cpu;
            var limits = new DecodingLimits();
            DecodingLimits.Default = limits with
            {
                MaxBeams = config.GetValue<int?>("Playground:MaxBeams") ?? limits.MaxBeams,
                MaxSequences = config.GetValue<int?>("Playground:MaxSequences") ?? limits.MaxSequences,
                MaxNewTokens = config.GetValue<int?>("Playground:MaxNewTokens") ?? limits.MaxNewTokens,
            };
            return new ModelCatalog(directory, provider)
            {
                AllowPaths = false,                                     // notebooks name catalog models only
                ConfiguredDefault = config[DefaultModelKey] is { Length: > 0 } named ? named : null,
            };
        });
        builder.Services.AddSingleton(services =>
        {
            var config = services.GetRequiredService<IConfiguration>();
            var defaults = SchedulerOptions.Default;
            return new GenerationQueue(new SchedulerOptions
            {
                MaxBatchRows = config.GetValue<int?>(MaxBatchRowsKey) ?? defaults.MaxBatchRows,
                KvBudgetBytes = (config.GetValue<long?>(KvBudgetKey) ?? defaults.KvBudgetBytes >> 20) << 20,
                MaxWaiting = config.GetValue<int?>(MaxWaitingKey) ?? defaults.MaxWaiting,
            });
        });
        return builder;
    }
}
