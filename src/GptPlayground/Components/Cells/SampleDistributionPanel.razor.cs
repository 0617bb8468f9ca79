using GptPlayground.Notebooks;
using GptPlayground.Services;
using Microsoft.AspNetCore.Components;

namespace GptPlayground.Components.Cells;

/// <summary>
/// The answer distribution of a prompt cell: a view of the cell's <see cref="SampleDistributionRun"/>
/// (<see cref="CellRunState.Distribution"/>). Sampling runs as the cell's run (<see cref="CellRunState.WhileRunning"/>),
/// so the cell's Cancel stops it; the grouping is the service's (<see cref="SampleDistribution"/>).
/// </summary>
public partial class SampleDistributionPanel
{
    /// <summary>Answers shown as rows; the rest are summed in one line.</summary>
    const int MaxRows = 30;

    /// <summary>The notebook the cell belongs to.</summary>
    [Parameter, EditorRequired] public Notebook Notebook { get; set; } = default!;

    /// <summary>The prompt cell.</summary>
    [Parameter, EditorRequired] public PromptCell Cell { get; set; } = default!;

    /// <summary>The cell's run state (its options, seed rule and running run).</summary>
    [Parameter, EditorRequired] public CellRunState State { get; set; } = default!;

    /// <summary>The model the cell runs on; null: none (sampling is disabled).</summary>
    [Parameter] public string? Model { get; set; }

    /// <summary>Starts with the controls and the distribution shown (default closed; the header's button toggles them).</summary>
    [Parameter] public bool Open { get; set; }

    bool open;

    /// <inheritdoc/>
    protected override void OnInitialized() => open = Open;

    [Inject] CellRunner Runner { get; set; } = default!;

    SampleDistributionRun Run => State.Distribution;

    IReadOnlyList<string> Variants => SampleDistributionRun.SamplingVariants(Notebook, Cell);

    string? CurrentVariant => Run.Variant is { } v && Variants.Contains(v) ? v : Variants.FirstOrDefault();

    /// <summary>Samples the chosen variant N times, as the cell's run.</summary>
    Task SampleAsync()
    {
        if (Model is not { } model) return Task.CompletedTask;
        Run.Variant = CurrentVariant;
        return State.WhileRunning(CancellationToken.None,
            token => Run.RunAsync(Runner, State.Request(Notebook, Cell, model), () => InvokeAsync(StateHasChanged), token));
    }

    /// <summary>An answer as a label: visible whitespace at the ends, "(empty)" for nothing.</summary>
    static string Shown(string answer) => answer.Length == 0 ? "(empty)" : answer.Replace("\n", "⏎");
}
