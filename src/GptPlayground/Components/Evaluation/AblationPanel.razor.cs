using GptPlayground.Evaluation;
using GptPlayground.Notebooks;
using GptPlayground.Services;
using Microsoft.AspNetCore.Components;

namespace GptPlayground.Components.Evaluation;

/// <summary>
/// The few-shot ablation of a prompt cell: shown under a few-shot cell with a dataset, a view of the cell's
/// <see cref="AblationRun"/> (<see cref="AblationRuns"/>). <b>Ablate examples</b> opens it; <b>Run ablation</b> runs
/// <see cref="FewShotAblation"/> as the cell's run (<see cref="CellRunState.WhileRunning"/>), so the cell's Cancel and
/// this panel's stop it; the progress bar follows the rows; the result is drawn as inline SVG charts (the k-shot curve,
/// the leave-one-out bars) and a table of the random orders.
/// </summary>
public sealed partial class AblationPanel
{
    /// <summary>The notebook the cell belongs to.</summary>
    [Parameter, EditorRequired] public Notebook Notebook { get; set; } = default!;

    /// <summary>The prompt cell; the panel shows only for a few-shot cell with a dataset.</summary>
    [Parameter, EditorRequired] public PromptCell Cell { get; set; } = default!;

    /// <summary>The cell's run state: the ablation runs as the cell's run.</summary>
    [Parameter, EditorRequired] public CellRunState State { get; set; } = default!;

    /// <summary>The model the cell runs on; null: none (Run ablation is disabled).</summary>
    [Parameter] public string? Model { get; set; }

    /// <summary>The notebook file's folder, where a dataset file is read from; null when the notebook has no file.</summary>
    [Parameter] public string? NotebookDirectory { get; set; }

    /// <summary>Starts open (default closed; Ablate examples toggles it).</summary>
    [Parameter] public bool StartOpen { get; set; }

    [Inject] FewShotAblation Ablation { get; set; } = default!;
    [Inject] AblationRuns Runs { get; set; } = default!;

    bool? open;

    /// <summary>The panel is open (its options and result shown).</summary>
    bool Open => open ?? StartOpen;

    AblationRun Run => Runs.For(Cell);

    /// <summary>True while this panel's ablation runs.</summary>
    bool Running => Run.Running && State.Running;

    /// <summary>A few-shot cell with a dataset: the ablation applies.</summary>
    bool Applies => Cell is FewShotCell && Cell.HasDataset;

    void Toggle() => open = !Open;

    /// <summary>Runs the ablation as the cell's run.</summary>
    Task AblateAsync()
    {
        if (Model is not { } model) return Task.CompletedTask;
        var request = new AblationRequest(Notebook, Cell, model) { NotebookDirectory = NotebookDirectory };
        return State.WhileRunning(CancellationToken.None, token => Run.RunAsync(Ablation, request, () => InvokeAsync(StateHasChanged), token));
    }

    /// <summary>An example as a bar's label: "input → output", clipped.</summary>
    static string Label(LeaveOneOutScore l)
    {
        var text = $"{l.Input} → {l.Output}".Replace("\n", "⏎");
        return text.Length <= 24 ? text : text[..23] + "…";
    }
}
