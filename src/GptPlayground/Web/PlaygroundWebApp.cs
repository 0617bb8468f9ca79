using GptPlayground.Api;
using GptPlayground.Components;
using GptPlayground.Evaluation;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Serving;
using GptPlayground.Notebooks;
using GptPlayground.Services;

namespace GptPlayground.Web;

/// <summary>
/// Builds the web app (the <c>serve</c> verb): a Blazor Server app with MudBlazor components over the
/// model catalog. <see cref="Build"/> reads like a table of contents; each concern registers itself
/// in its own extension method.
/// </summary>
public static class PlaygroundWebApp
{
    /// <summary>Where the app listens when neither <c>--urls</c> nor any other address setting is given.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>
    /// Creates the configured app. <paramref name="hostArgs"/> are ASP.NET Core host arguments:
    /// <c>--urls</c>, <c>--Playground:Models=DIR</c>, <c>--Playground:Prompts=DIR</c>,
    /// <c>--Playground:Provider=cpu|cuda|auto</c>, and whatever a test host passes.
    /// </summary>
    /// <exception cref="ArgumentException"><c>Playground:Provider</c> is not cpu, cuda or auto.</exception>
    public static WebApplication Build(string[] hostArgs)
    {
        var builder = WebApplication.CreateBuilder(hostArgs);
        builder.AddDefaultSettings();
        builder.UseDefaultUrlWhenNoneConfigured(DefaultUrl);
        builder.UseBuildOutputStaticAssets();
        builder.AddAccessGuard();
        builder.AddInference(PlaygroundPaths.Models);
        builder.AddNotebooks(PlaygroundPaths.Prompts);
        builder.AddPlaygroundServices();
        builder.AddEvaluation();
        builder.AddPlaygroundUi();
        builder.AddPlaygroundMetrics();

        var app = builder.Build();
        app.UseAccessGuard();
        app.LogModels();
        app.MapPlaygroundMetrics();
        app.MapNotebookDownloads();
        app.MapOpenAiApi();
        app.MapPlaygroundUi<App>();
        return app;
    }

    /// <summary>Resolves the catalog once at startup, so that a bad <c>Playground:Provider</c> stops the app before it listens.</summary>
    /// <exception cref="ArgumentException">The provider is not cpu, cuda or auto.</exception>
    static WebApplication LogModels(this WebApplication app)
    {
        var catalog = app.Services.GetRequiredService<ModelCatalog>();
        app.Logger.LogInformation("Models: {Directory} (provider {Provider})", catalog.Directory, catalog.DefaultProvider);
        return app;
    }
}
