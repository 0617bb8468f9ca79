using GptPlayground.Evaluation;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Serving;
using GptPlayground.Notebooks;
using GptPlayground.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using MudBlazor.Services;

namespace GptPlayground.Tests.Components;

/// <summary>
/// A bunit context for the app's components: bunit's own <see cref="BunitContext"/> with loose JS interop
/// (JS calls answer default values) and MudBlazor's services, plus <see cref="WithPlayground"/>
/// for the engine and notebook services.
/// </summary>
public sealed class ComponentContext : BunitContext, IDisposable
{
    /// <summary>
    /// Disposes through <see cref="BunitContext.DisposeAsync"/>: MudBlazor's services are only IAsyncDisposable, and a
    /// synchronous dispose of the container refuses them (so <c>using var ctx</c> works in synchronous tests).
    /// </summary>
    void IDisposable.Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public ComponentContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    IRenderedComponent<MudPopoverProvider>? popovers;
    IRenderedComponent<MudSnackbarProvider>? snackbars;

    /// <summary>
    /// MudBlazor's popover host (the lists of selects and menus render there, as in the app's layout). Take it before
    /// rendering the component under test: services cannot be added after the first render.
    /// </summary>
    public IRenderedComponent<MudPopoverProvider> Popovers => popovers ??= Render<MudPopoverProvider>();

    /// <summary>MudBlazor's snackbar host (the messages with Undo render there, as in the app's layout).</summary>
    public IRenderedComponent<MudSnackbarProvider> Snackbars => snackbars ??= Render<MudSnackbarProvider>();

    /// <summary>Picks the item showing <paramref name="itemText"/> in the MudSelect labelled <paramref name="ariaLabel"/>, as a user would: open it, click the item.</summary>
    public void Choose<T>(IRenderedComponent<T> cut, string ariaLabel, string itemText) where T : IComponent
    {
        var select = cut.Find($"[role=combobox][aria-label='{ariaLabel}']");
        select.Closest(".mud-input-control")!.MouseDown();
        Popovers.WaitForAssertion(() => Assert.Contains(Popovers.FindAll(".mud-list-item"), i => i.TextContent.Trim() == itemText));
        Popovers.FindAll(".mud-list-item").First(i => i.TextContent.Trim() == itemText).Click();
        cut.WaitForAssertion(() => Assert.Equal(itemText, cut.Find($"[role=combobox][aria-label='{ariaLabel}']").TextContent.Trim()));
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
        Services.AddSingleton<DatasetEvaluator>();
        Services.AddSingleton<PromptTokens>();
        Services.AddSingleton<FewShotAblation>();
        Services.AddSingleton<AblationRuns>();
        if (promptsDirectory is not null) Services.AddSingleton(new NotebookStorage(promptsDirectory));
        return this;
    }
}
