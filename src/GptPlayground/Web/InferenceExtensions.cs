using GptPlayground.Inference.Models;
using GptPlayground.Inference.Runtime;

namespace GptPlayground.Web;

/// <summary>The engine's services: one shared <see cref="ModelCatalog"/> per process.</summary>
public static class InferenceExtensions
{
    /// <summary>Configuration key of the models directory (default <see cref="PlaygroundPaths.Models"/>).</summary>
    public const string ModelsKey = "Playground:Models";

    /// <summary>Configuration key of the default execution provider: cpu (default), cuda or auto.</summary>
    public const string ProviderKey = "Playground:Provider";

    /// <summary>
    /// Registers a singleton <see cref="ModelCatalog"/> over <c>Playground:Models</c> with the
    /// provider <c>Playground:Provider</c>, and the <see cref="ModelLeases"/> that keep a model
    /// from being unloaded while it generates. Configuration is read when the catalog is first
    /// resolved, so settings added by a test host are seen.
    /// </summary>
    public static WebApplicationBuilder AddInference(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(services =>
        {
            var config = services.GetRequiredService<IConfiguration>();
            var directory = config[ModelsKey] is { Length: > 0 } dir ? dir : PlaygroundPaths.Models;
            var provider = config[ProviderKey] is { Length: > 0 } p ? ExecutionProviders.Parse(p) : ExecutionProvider.Cpu;
            return new ModelCatalog(directory, provider);
        });
        builder.Services.AddSingleton<ModelLeases>();
        return builder;
    }

    /// <summary>Resolves the catalog once at startup, so that a bad <c>Playground:Provider</c> stops the app before it listens.</summary>
    /// <exception cref="ArgumentException">The provider is not cpu, cuda or auto.</exception>
    public static WebApplication ValidateInference(this WebApplication app)
    {
        var catalog = app.Services.GetRequiredService<ModelCatalog>();
        app.Logger.LogInformation("Models: {Directory} (provider {Provider})", catalog.Directory, catalog.DefaultProvider);
        return app;
    }
}
