using GptPlayground.Notebooks;

namespace GptPlayground.Services;

/// <summary>
/// The run state of one prompt cell in a notebook being edited: a <see cref="VariantRun"/> per variant (kept across
/// runs and renames), the prompt-style columns, the run options (samples, fixed seed) and the running run's
/// cancellation. The cell's view shows it; Run cell and Run all both go through <see cref="RunAsync"/>, which hands the
/// cell to the <see cref="CellRunner"/>. <see cref="Changed"/> asks the view to render.
/// </summary>
public sealed class CellRunState
{
    readonly Dictionary<string, VariantRun> runs = new(StringComparer.Ordinal);
    readonly RenderThrottle streaming;
    CancellationTokenSource? cancel;

    /// <summary>A cell that has not run yet.</summary>
    public CellRunState() => streaming = new RenderThrottle(Render, RenderThrottle.StreamingInterval);

    /// <summary>
    /// The render callback of the cell's streaming runs: asks for a render and returns at once; the cell renders at most
    /// once per <see cref="RenderThrottle.StreamingInterval"/> however many columns stream, and once more when the run
    /// ends (<see cref="WhileRunning"/>). Hand it to the runner, never <see cref="Changed"/> itself: a render per token of
    /// every column kept the circuit's thread busy (and, on a loaded machine, slowed the generation that waited for it).
    /// </summary>
    public Func<Task> StreamingRender => streaming.RequestAsync;

    /// <summary>Sequences per sampling variant (1 to 8; default 1).</summary>
    public int Samples { get; set; } = 1;

    /// <summary>Sampling variants without a seed use the notebook's, else <see cref="CellRunner.FixedSeed"/> (default on); off: a fresh seed each run.</summary>
    public bool FixedSeed { get; set; } = true;

    /// <summary>The N-sample answer distribution of one of the cell's variants (its options and last run).</summary>
    public SampleDistributionRun Distribution { get; } = new();

    /// <summary>The cell's output diff: which two outputs it compares, and the outputs the notebook file holds.</summary>
    public OutputDiffState Diff { get; } = new();

    /// <summary>The cell's run history (its records beside the notebook), reloaded after each run.</summary>
    public RunHistoryState History { get; } = new();

    /// <summary>Where the cell's runs are recorded (<see cref="RunRecords"/>: beside its notebook); null records nothing.</summary>
    public RecordTarget? Record { get; set; }

    /// <summary>The prompt-style comparison's columns, once run.</summary>
    public List<VariantRun>? StyleRuns { get; set; }

    /// <summary>True while the cell runs (its variants, its prompt styles or a prompt score).</summary>
    public bool Running => cancel is not null;

    /// <summary>Raised when the state changed and the view should render (from any thread).</summary>
    public event Func<Task>? Changed;

    /// <summary>Raised when a run starts (true) or ends (false).</summary>
    public event Func<bool, Task>? RunningChanged;

    /// <summary>One column per variant of <paramref name="cell"/>, in order, reusing the run of a variant that is still there (a new one shows its saved output).</summary>
    public IReadOnlyList<VariantRun> Columns(PromptCell cell)
    {
        var list = new List<VariantRun>();
        foreach (var v in CellRunner.VariantsOf(cell))
        {
            if (!runs.TryGetValue(v.Name, out var run))
            {
                runs[v.Name] = run = new VariantRun(v.Name, "");
                if (cell.Outputs.FirstOrDefault(o => o.Variant == v.Name) is { } saved) run.ShowSaved(saved);
            }
            list.Add(run);
        }
        return list;
    }

    /// <summary>A variant was renamed: its column follows.</summary>
    public void Rename(string from, string to)
    {
        if (runs.Remove(from, out var run)) { run.Name = to; runs[to] = run; }
    }

    /// <summary>A variant was removed: its column goes.</summary>
    public void Remove(string name) => runs.Remove(name);

    /// <summary>What a run of <paramref name="cell"/> on <paramref name="model"/> asks the runner for, with this state's options.</summary>
    public CellRunRequest Request(Notebook notebook, PromptCell cell, string model) =>
        new(notebook, cell, model) { Samples = Samples, Seed = FixedSeed ? CellRunner.FixedSeed : null, FreshSeed = !FixedSeed, Record = Record };

    /// <summary>
    /// Runs every variant of <paramref name="cell"/> through <paramref name="runner"/> (Run cell, and each cell of Run all).
    /// Does nothing while running. Without a model every column says so.
    /// </summary>
    /// <param name="runner">The cell runner.</param>
    /// <param name="notebook">The notebook the cell belongs to.</param>
    /// <param name="cell">The cell.</param>
    /// <param name="model">The model it runs on (<see cref="CellRunner.ModelOf"/>); null when there is none.</param>
    /// <param name="cancellationToken">Cancels the run (e.g. the notebook's Cancel).</param>
    public Task RunAsync(CellRunner runner, Notebook notebook, PromptCell cell, string? model, CancellationToken cancellationToken) =>
        WhileRunning(cancellationToken, async token =>
        {
            var columns = Columns(cell);
            if (model is null)
            {
                foreach (var c in columns) c.ShowError("no model: choose one for the notebook or the cell (models/ has none?)");
                return;
            }
            var running = runner.RunAsync(Request(notebook, cell, model), columns, StreamingRender, token);   // keeps the outputs in the cell
            streaming.Request();
            await running;
        });

    /// <summary>
    /// Runs <paramref name="work"/> as this cell's run: <see cref="Running"/> meanwhile, cancelled by <see cref="Cancel"/>
    /// or <paramref name="cancellationToken"/>; does nothing while another run is going.
    /// </summary>
    public async Task WhileRunning(CancellationToken cancellationToken, Func<CancellationToken, Task> work)
    {
        if (Running) return;
        using var run = cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (RunningChanged is { } started) await started(true);
        try
        {
            await work(run.Token);
        }
        finally
        {
            cancel = null;
            History.Invalidate();       // the run left records
            if (RunningChanged is { } ended) await ended(false);
            await streaming.RenderNowAsync();     // the final state, whatever the throttle was waiting for
        }
    }

    /// <summary>Stops the running generations within one token.</summary>
    public void Cancel() => cancel?.Cancel();

    Task Render() => Changed?.Invoke() ?? Task.CompletedTask;
}
