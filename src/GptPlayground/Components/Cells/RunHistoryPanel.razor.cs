using GptPlayground.Notebooks;
using GptPlayground.Services;
using Microsoft.AspNetCore.Components;

namespace GptPlayground.Components.Cells;

/// <summary>
/// The run history of a prompt cell: a view of its <see cref="RunHistoryState"/> (<see cref="CellRunState.History"/>),
/// read from the records beside the notebook when the panel opens and again after each run. <b>Compare</b> pins an old
/// output into the cell's output diff (<see cref="OutputDiffState.Pin"/>) beside the current output of its variant.
/// Shown only where runs are recorded (<see cref="CellRunState.Record"/>).
/// </summary>
public partial class RunHistoryPanel
{
    /// <summary>The prompt cell (its name picks its records).</summary>
    [Parameter, EditorRequired] public PromptCell Cell { get; set; } = default!;

    /// <summary>The cell's run state: where its runs are recorded, its history, its output diff.</summary>
    [Parameter, EditorRequired] public CellRunState State { get; set; } = default!;

    /// <summary>Raised after an old output was put into the diff, so that the cell's view renders it.</summary>
    [Parameter] public EventCallback Compared { get; set; }

    /// <summary>Starts open (default closed; the header's button toggles it).</summary>
    [Parameter] public bool Open { get; set; }

    bool open;
    string? loadedFor;

    RunHistoryState History => State.History;

    /// <summary>Characters of an output the table shows before an ellipsis (the whole text is its tooltip).</summary>
    const int PreviewLength = 90;

    /// <inheritdoc/>
    protected override void OnInitialized() => open = Open;

    /// <inheritdoc/>
    protected override async Task OnParametersSetAsync()
    {
        if (loadedFor != Cell.Name) History.Invalidate();       // renamed: another file
        if (open && History.Stale && !State.Running) await LoadAsync();
    }

    async Task ToggleAsync()
    {
        open = !open;
        if (open && (History.Stale || loadedFor != Cell.Name)) await LoadAsync();
    }

    async Task LoadAsync()
    {
        if (State.Record is not { } target) return;
        loadedFor = Cell.Name;
        await History.LoadAsync(target, Cell.Name);
    }

    async Task Compare(RunHistoryEntry entry)
    {
        State.Diff.Pin(new DiffSource(entry.Key, entry.Label, entry.Text), entry.Variant);
        await Compared.InvokeAsync();
    }

    static string Preview(string text)
    {
        var line = text.ReplaceLineEndings("⏎");
        return line.Length <= PreviewLength ? line : line[..(PreviewLength - 1)] + "…";
    }
}
