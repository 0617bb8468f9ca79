using System.Globalization;
using Microsoft.AspNetCore.Components;

namespace GptPlayground.Components.Cells;

/// <summary>
/// A multi-line text field for the text of a cell (instruction, template, examples, query, messages, variable values,
/// markdown),
/// drawn as MudBlazor's outlined, dense <c>MudTextField</c> (the same classes, so the same look in both themes), that
/// grows with its text up to <see cref="MaxLines"/> (CSS <c>field-sizing</c>; js/text-areas.js where a browser lacks it).
/// <para>
/// Why not <c>MudTextField</c> itself: it sends the server a key-down and a key-up event besides the input event for
/// every keystroke, re-renders on each, and calls into JavaScript after each render to size itself; a prompt cell has up
/// to a dozen such fields, and a short notebook's typing-to-preview time was twice that of the Radzen editor before it
/// (docs/performance.md). Here a keystroke is one input event, <see cref="ValueChanged"/> is raised, and this component
/// does not re-render (the browser shows the text already); the change event (on leaving the field) re-renders it once,
/// so the label sits above a non-empty field.
/// </para>
/// </summary>
public sealed partial class CellTextArea : IHandleEvent
{
    static long lastId;
    readonly string id = "cell-text-" + Interlocked.Increment(ref lastId).ToString(CultureInfo.InvariantCulture);
    string? text;

    /// <summary>The text.</summary>
    [Parameter] public string? Value { get; set; }

    /// <summary>Raised with the new text on every input event.</summary>
    [Parameter] public EventCallback<string> ValueChanged { get; set; }

    /// <summary>The floating label; none when null.</summary>
    [Parameter] public string? Label { get; set; }

    /// <summary>Shown while the field is empty.</summary>
    [Parameter] public string? Placeholder { get; set; }

    /// <summary>The accessible name (tests and shortcuts find fields by it).</summary>
    [Parameter] public string? AriaLabel { get; set; }

    /// <summary>Lines shown when the text is shorter (at least 1).</summary>
    [Parameter] public int Lines { get; set; } = 1;

    /// <summary>The most lines the field grows to before it scrolls; 0 for no limit.</summary>
    [Parameter] public int MaxLines { get; set; }

    /// <summary>CSS classes added to the field's outer element.</summary>
    [Parameter] public string? Class { get; set; }

    /// <summary>Other attributes for the text area (title, data-*, ...).</summary>
    [Parameter(CaptureUnmatchedValues = true)] public IReadOnlyDictionary<string, object>? Attributes { get; set; }

    string SizeStyle => string.Create(CultureInfo.InvariantCulture,
        $"--lines:{Math.Max(1, Lines)};{(MaxLines > 0 ? $"--max-lines:{Math.Max(MaxLines, Lines)}" : "")}");

    /// <inheritdoc/>
    protected override void OnParametersSet() => text = Value;

    async Task OnInputAsync(ChangeEventArgs e)
    {
        text = e.Value as string ?? "";
        await ValueChanged.InvokeAsync(text);
    }

    async Task OnChangeAsync(ChangeEventArgs e)
    {
        var changed = e.Value as string ?? "";
        if (changed != text)                             // the input events have raised it already, unless a browser skipped them
        {
            text = changed;
            await ValueChanged.InvokeAsync(text);
        }
        StateHasChanged();                               // the label's place follows whether the field is empty
    }

    /// <summary>Handles the text area's events without the re-render that <see cref="ComponentBase"/> does after each.</summary>
    Task IHandleEvent.HandleEventAsync(EventCallbackWorkItem callback, object? arg) => callback.InvokeAsync(arg);
}
