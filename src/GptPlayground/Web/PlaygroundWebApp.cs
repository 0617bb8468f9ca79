using GptPlayground.Components;
using GptPlayground.Notebooks;

namespace GptPlayground.Web;

/// <summary>
/// Builds the web app (the <c>serve</c> verb): a Blazor Server app with Radzen components over the
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
        builder.AddInference();
        builder.AddServing();
        builder.AddNotebooks(PlaygroundPaths.Prompts);
        builder.AddPlaygroundUi();

        var app = builder.Build();
        app.ValidateInference();
        app.MapNotebookDownloads();
        app.MapPlaygroundUi<App>();
        return app;
    }
}
