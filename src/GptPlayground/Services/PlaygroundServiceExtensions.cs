using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GptPlayground.Services;

/// <summary>The app's services register themselves: what every front end (UI, CLI, HTTP API) runs through.</summary>
public static class PlaygroundServiceExtensions
{
    /// <summary>
    /// Registers a <see cref="PlaygroundSession"/> per scope (one per browser tab), the <see cref="GenerationRunner"/> and
    /// <see cref="CellRunner"/> every run goes through (remote models through <see cref="RemoteGeneration"/>), and <see cref="PromptTokens"/> for prompt previews. Needs the engine's services
    /// (<c>AddInference</c>).
    /// </summary>
    public static TBuilder AddPlaygroundServices<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton<PromptTokens>();
        builder.Services.AddSingleton<RemoteGeneration>();
        builder.Services.AddScoped<PlaygroundSession>();
        builder.Services.AddScoped<GenerationRunner>();
        builder.Services.AddScoped<CellRunner>();
        return builder;
    }
}
