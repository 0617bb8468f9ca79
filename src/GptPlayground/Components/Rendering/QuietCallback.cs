using Microsoft.AspNetCore.Components;

namespace GptPlayground.Components.Rendering;

/// <summary>
/// Event callbacks that re-render nothing by themselves. A callback written in a component (<c>ValueChanged="v => ..."</c>)
/// re-renders that component, and with it every child it cannot prove unchanged, after each event: for a text field
/// that shows its own text, a keystroke then rebuilds the whole form around it (a prompt cell's fields are some 25
/// MudBlazor components). A quiet callback has no receiver, so only what the handler itself asks to render is drawn.
/// </summary>
public static class QuietCallback
{
    /// <summary>A callback with a value that runs <paramref name="handler"/> and re-renders no component afterwards.</summary>
    public static EventCallback<T> Of<T>(Func<T, Task> handler) => new(null, handler);

    /// <summary>
    /// A text field's edit: applies the new value with <paramref name="edit"/>, then raises <paramref name="changed"/> (whose
    /// own receiver, if any, renders as usual); the component holding the field is not re-rendered.
    /// </summary>
    public static EventCallback<T> Edit<T>(Action<T> edit, EventCallback changed) => Of<T>(value =>
    {
        edit(value);
        return changed.InvokeAsync();
    });

    /// <summary>A callback that runs <paramref name="handler"/> and re-renders no component afterwards.</summary>
    public static EventCallback Of(Func<Task> handler) => new(null, handler);

    /// <summary>A callback that runs <paramref name="handler"/> and re-renders no component afterwards.</summary>
    public static EventCallback Of(Action handler) => new(null, handler);
}
