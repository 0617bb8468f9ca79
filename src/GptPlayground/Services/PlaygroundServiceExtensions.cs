using GptPlayground.Notebooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GptPlayground.Services;

/// <summary>The app's services register themselves: what every front end (UI, CLI, HTTP API) runs through.</summary>
public static class PlaygroundServiceExtensions
{
    /// <summary>
    /// Registers a <see cref="PlaygroundSession"/> per scope (one per browser tab), the <see cref="GenerationRunner"/> and
    /// <see cref="CellRunner"/> every run goes through (remote models through <see cref="RemoteGeneration"/>), and <see cref="PromptTokens"/> for prompt previews. Needs the engine's services
    /// (<c>AddInference</c>). Runs are recorded (<see cref="RunRecords"/>) unless <c>Playground:Records</c> is false; API
    /// records go to the notebook storage's <c>.runs/api</c>.
    /// </summary>
    public static TBuilder AddPlaygroundServices<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton<PromptTokens>();
        builder.Services.AddSingleton<RemoteGeneration>();
        builder.Services.AddSingleton(services => new RunRecords(
            services.GetRequiredService<IConfiguration>().GetValue(RunRecords.EnabledKey, true),
            services.GetService<NotebookStorage>()?.Root,
            services.GetService<ILoggerFactory>()?.CreateLogger<RunRecords>()));
        builder.Services.AddScoped<PlaygroundSession>();
        builder.Services.AddScoped<GenerationRunner>();
        builder.Services.AddScoped<CellRunner>();
        return builder;
    }
}
