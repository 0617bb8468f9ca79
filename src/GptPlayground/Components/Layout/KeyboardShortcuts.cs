namespace GptPlayground.Components.Layout;

/// <summary>One keyboard shortcut of the app, as the help dialog lists it.</summary>
/// <param name="Keys">The keys, e.g. "Ctrl/Cmd+Enter".</param>
/// <param name="Where">Where focus must be for it to work.</param>
/// <param name="Does">What it does.</param>
public sealed record KeyboardShortcut(string Keys, string Where, string Does);

/// <summary>
/// The shortcuts of the notebook editor (Jupyter's habits). wwwroot/js/notebook-keys.js implements them by pressing the
/// same buttons a mouse would; this list is what the <c>?</c> help dialog and docs/ui.md show.
/// </summary>
public static class KeyboardShortcuts
{
    /// <summary>Every shortcut, in the order the help dialog lists them.</summary>
    public static readonly IReadOnlyList<KeyboardShortcut> All =
    [
        new("Ctrl/Cmd+Enter", "in a prompt cell", "Run cell"),
        new("Shift+Enter", "in a prompt cell", "Run cell"),
        new("Alt+Enter", "in a prompt cell", "Run cell and insert a new cell below it"),
        new("Esc", "in a running cell", "Cancel that cell's run"),
        new("Alt+V", "in a prompt cell", "Add a decoding variant (the preset chosen beside Add variant)"),
        new("Alt+B", "in a cell", "Insert a cell below (the kind chosen at the end of the notebook)"),
        new("Ctrl/Cmd+S", "in the editor", "Save"),
        new("?", "anywhere but a text field", "Show this list"),
        new("Tab", "in a token view", "Move between tokens and show each one's details"),
    ];
}
