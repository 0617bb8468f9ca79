using GptPlayground.Inference.Models;
using GptPlayground.Inference.Serving;
using GptPlayground.Notebooks;
using GptPlayground.Services;
using Microsoft.Extensions.DependencyInjection;
using Radzen;

namespace GptPlayground.Tests.Web.Components;

/// <summary>
/// A bunit context for the app's components: bunit's own <see cref="BunitContext"/> with loose JS interop
/// (JS calls answer default values) and the component library's services, plus <see cref="WithPlayground"/>
/// for the engine and notebook services.
/// </summary>
public sealed class ComponentContext : BunitContext
{
    public ComponentContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();
    }

    /// <summary>Adds the engine and notebook services over a models folder and a prompts folder, as the app does.</summary>
    public ComponentContext WithPlayground(string modelsDirectory, string? promptsDirectory = null)
    {
        var catalog = new ModelCatalog(modelsDirectory);
        Services.AddSingleton(catalog);
        Services.AddSingleton(new GenerationQueue());
        Services.AddSingleton<PlaygroundSession>();
        Services.AddSingleton<GenerationRunner>();
        Services.AddSingleton<CellRunner>();
        Services.AddSingleton<PromptTokens>();
        if (promptsDirectory is not null) Services.AddSingleton(new NotebookStorage(promptsDirectory));
        return this;
    }
}
