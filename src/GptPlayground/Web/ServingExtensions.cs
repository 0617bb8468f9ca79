using GptPlayground.Inference.Serving;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace GptPlayground.Web;

/// <summary>Sessions and the generation queue: how many browser tabs share the models fairly.</summary>
public static class ServingExtensions
{
    /// <summary>Configuration key: generations that may run on one model at the same time (default 1).</summary>
    public const string SlotsKey = "Playground:SlotsPerModel";

    /// <summary>
    /// Registers one <see cref="GenerationQueue"/> for the process (fair round-robin across sessions, per model),
    /// a <see cref="PlaygroundSession"/> per circuit that is closed with it (<see cref="SessionCircuitHandler"/>),
    /// the <see cref="GenerationRunner"/> every UI generation goes through, and <see cref="PromptTokens"/> for previews.
    /// </summary>
    public static WebApplicationBuilder AddServing(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(services =>
        {
            var slots = services.GetRequiredService<IConfiguration>().GetValue<int?>(SlotsKey) ?? 1;
            return new GenerationQueue(slots);
        });
        builder.Services.AddScoped<PlaygroundSession>();
        builder.Services.AddScoped<CircuitHandler, SessionCircuitHandler>();
        builder.Services.AddScoped<GenerationRunner>();
        builder.Services.AddSingleton<PromptTokens>();
        return builder;
    }
}
