using GptPlayground.Notebooks;
using GptPlayground.Services;
using Microsoft.AspNetCore.Components;

namespace GptPlayground.Components.Cells;

/// <summary>
/// The output diff of a prompt cell: a view of its <see cref="OutputDiffState"/> (<see cref="CellRunState.Diff"/>) over
/// the cell's columns; the diff itself is <see cref="OutputDiff.Words"/>.
/// </summary>
public partial class OutputDiffPanel
{
    /// <summary>The prompt cell (its outputs as the file holds them are remembered when the panel is first shown).</summary>
    [Parameter, EditorRequired] public PromptCell Cell { get; set; } = default!;

    /// <summary>The cell's run state (the diff's choices and the saved outputs).</summary>
    [Parameter, EditorRequired] public CellRunState State { get; set; } = default!;

    /// <summary>The cell's variant columns, in order.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<VariantRun> Columns { get; set; } = [];

    /// <summary>Starts with the diff shown (default closed; the header's button toggles it, <see cref="OutputDiffState.Shown"/>).</summary>
    [Parameter] public bool Open { get; set; }

    IReadOnlyList<DiffSource> Sources => State.Diff.Sources(Columns);

    (DiffSource Before, DiffSource After)? Chosen => State.Diff.Chosen(Sources);

    /// <inheritdoc/>
    protected override void OnInitialized()
    {
        State.Diff.Shown |= Open;
        State.Diff.RememberSaved(Cell);
    }
}
