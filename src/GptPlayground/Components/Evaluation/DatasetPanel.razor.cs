using GptPlayground.Evaluation;
using GptPlayground.Notebooks;
using GptPlayground.Services;
using Microsoft.AspNetCore.Components;

namespace GptPlayground.Components.Evaluation;

/// <summary>
/// The dataset part of a prompt cell, a view of its <see cref="DatasetRunState"/>: what the dataset is (source, rows,
/// variants, assertion) or why it cannot be used (the reader's message with its file, line and column, also what Run
/// cell answers with), the last run's <see cref="ResultsMatrix"/> and the last <see cref="StyleComparison"/>. The
/// dataset is checked when the cell is first shown (off the circuit's thread); runs re-check it.
/// </summary>
public sealed partial class DatasetPanel : IDisposable
{
    DatasetRunState? subscribed;

    /// <summary>The notebook the cell belongs to.</summary>
    [Parameter, EditorRequired] public Notebook Notebook { get; set; } = default!;

    /// <summary>The cell (it has a dataset or scores choices).</summary>
    [Parameter, EditorRequired] public PromptCell Cell { get; set; } = default!;

    /// <summary>The cell's run state (Running, the seed option).</summary>
    [Parameter, EditorRequired] public CellRunState State { get; set; } = default!;

    /// <summary>The cell's evaluation state, shown here.</summary>
    [Parameter, EditorRequired] public DatasetRunState Run { get; set; } = default!;

    /// <summary>The model the cell runs on; null when there is none.</summary>
    [Parameter] public string? Model { get; set; }

    /// <inheritdoc/>
    protected override void OnParametersSet()
    {
        if (ReferenceEquals(subscribed, Run)) return;
        Unsubscribe();
        subscribed = Run;
        Run.Changed += Render;
    }

    /// <inheritdoc/>
    protected override async Task OnInitializedAsync()
    {
        if (Run.Plan is null && Run.Error is null && !State.Running)
            await Task.Run(() => Run.Check(State, Notebook, Cell, Model));
    }

    /// <summary>What the checked dataset is: its source, rows, the cell's variants as they are now (one may have been
    /// added since the check) and how outputs are judged.</summary>
    public static string Describe(EvaluationPlan plan, PromptCell cell)
    {
        var source = plan.Table?.Source ?? "no dataset (the cell as it is)";
        var expected = cell.Expected is not null ? "the ```expected block"
            : plan.Table is { } t && CellDataset.ExpectedColumnOf(cell, t) is >= 0 and var c ? $"column '{t.Columns[c]}'" : "none (outputs are not judged)";
        int count = CellRunner.VariantsOf(cell).Count;
        var variants = plan.Assertion == AssertionKind.Choices ? "1 scored choice column" : count == 1 ? "1 variant" : $"{count} variants";
        return $"{source}: {plan.RowCount} rows × {variants} · assert: {Assertions.Name(plan.Assertion)} · expected: {expected}";
    }

    Task Render() => InvokeAsync(StateHasChanged);

    void Unsubscribe()
    {
        if (subscribed is not null) subscribed.Changed -= Render;
    }

    /// <inheritdoc/>
    public void Dispose() => Unsubscribe();
}
