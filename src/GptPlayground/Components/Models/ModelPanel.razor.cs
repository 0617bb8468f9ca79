using GptPlayground.Inference;
using GptPlayground.Inference.Models;
using GptPlayground.Services;
using Microsoft.AspNetCore.Components;

namespace GptPlayground.Components.Models;

/// <summary>
/// One folder of the models directory: its status, Load/Unload, its card or the reason it cannot be
/// used, and a <see cref="TryModel"/> panel. Loading is shared by every browser session (the
/// catalog loads a model once); unloading is refused while anyone generates on the model.
/// </summary>
public partial class ModelPanel
{
    bool busy;
    string? actionError;

    /// <summary>The folder as the catalog listed it.</summary>
    [Parameter, EditorRequired] public ModelEntry Entry { get; set; } = default!;

    /// <summary>Raised after the model was loaded or unloaded, so that the page re-reads the catalog.</summary>
    [Parameter] public EventCallback Changed { get; set; }

    [Inject] ModelCatalog Catalog { get; set; } = default!;

    /// <summary>The folder's error without the "error: " prefix of <see cref="ModelEntry.Status"/>.</summary>
    string ErrorText => Entry.Status.StartsWith("error: ", StringComparison.Ordinal) ? Entry.Status["error: ".Length..] : Entry.Status;

    async Task LoadAsync()
    {
        busy = true;
        actionError = null;
        try
        {
            await Catalog.GetAsync(Entry.Name);
            await Changed.InvokeAsync();
        }
        catch (ModelException e)
        {
            actionError = e.Message;
        }
        finally
        {
            busy = false;
        }
    }

    async Task UnloadAsync()
    {
        actionError = null;
        try
        {
            if (!Catalog.TryUnload(Entry.Name, out var refusal)) { actionError = refusal; return; }
            await Changed.InvokeAsync();
        }
        catch (ModelException e)
        {
            actionError = e.Message;   // e.g. the folder was deleted meanwhile
        }
    }

    /// <summary>A generation loaded the model: show it as loaded.</summary>
    Task ModelLoadedAsync() => Entry.Loaded ? Task.CompletedTask : Changed.InvokeAsync();
}
