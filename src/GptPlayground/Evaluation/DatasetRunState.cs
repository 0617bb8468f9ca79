using GptPlayground.Notebooks;
using GptPlayground.Services;

namespace GptPlayground.Evaluation;

/// <summary>
/// The evaluation state of one prompt cell in a notebook being edited: its dataset's check (<see cref="Plan"/> or
/// <see cref="Error"/>, with the file, line and column the reader names), the last run's results matrix
/// (<see cref="Matrix"/>) and the last prompt-style comparison (<see cref="Styles"/>). Run cell, Run all and Compare
/// prompt styles on a dataset cell go through it (<see cref="RunCellAsync"/>, <see cref="CompareStylesAsync"/>); each
/// runs as the cell's run (<see cref="CellRunState.WhileRunning"/>), so the cell's and the notebook's Cancel stop it.
/// </summary>
/// <remarks>
/// A 200-row x 3-variant run finishes 600 results: <see cref="Changed"/> is raised at most once per
/// <see cref="RenderInterval"/> while results come in (once per <see cref="ClockInterval"/> while none do, and once at
/// the start and the end), never per result, so the circuit keeps answering the user's typing in other cells meanwhile.
/// </remarks>
public sealed class DatasetRunState
{
    /// <summary>The least time between two renders of a running matrix: 150 ms.</summary>
    public static readonly TimeSpan RenderInterval = TimeSpan.FromMilliseconds(150);

    /// <summary>The longest time a running matrix goes without a render (its progress line shows the time): 1 s.</summary>
    public static readonly TimeSpan ClockInterval = TimeSpan.FromSeconds(1);

    /// <summary>The notebook file's folder, where a dataset file (<c>dataset: data/NAME.csv</c>) is read from; null when the notebook has no file.</summary>
    public string? NotebookDirectory { get; init; }

    /// <summary>The dataset as last checked (before a run, or when the cell was shown); null before a check or after a failed one.</summary>
    public EvaluationPlan? Plan { get; private set; }

    /// <summary>Why the cell cannot be evaluated as it is (the dataset's or the assertion's problem, naming the line and
    /// column; no model); null when the last check passed.</summary>
    public string? Error { get; private set; }

    /// <summary>The last run's results matrix (live while it runs); null before the first run.</summary>
    public MatrixProgress? Matrix { get; private set; }

    /// <summary>The last prompt-style comparison, one matrix per style (zero-shot, few-shot, instruction); null before the first.</summary>
    public IReadOnlyList<MatrixProgress>? Styles { get; private set; }

    /// <summary>Raised when the view should render (from any thread; throttled to <see cref="RenderInterval"/> while a run goes).</summary>
    public event Func<Task>? Changed;

    /// <summary>What an evaluation of <paramref name="cell"/> asks for, with the cell's run options (the fixed seed).</summary>
    public EvaluationRequest Request(CellRunState options, Notebook notebook, PromptCell cell, string model) =>
        new(notebook, cell, model) { NotebookDirectory = NotebookDirectory, Seed = options.FixedSeed ? CellRunner.FixedSeed : null, Record = options.Record };

    /// <summary>
    /// Reads and checks the cell's dataset and assertion as a run would (<see cref="DatasetEvaluator.Plan"/>), keeping the
    /// outcome in <see cref="Plan"/> or <see cref="Error"/>. Reads the dataset file: call it off the circuit's thread.
    /// </summary>
    /// <returns>The plan, or null when the cell cannot be evaluated (<see cref="Error"/> says why).</returns>
    public EvaluationPlan? Check(CellRunState options, Notebook notebook, PromptCell cell, string? model)
    {
        try
        {
            Plan = DatasetEvaluator.Plan(Request(options, notebook, cell, model ?? ""));
            Error = null;
        }
        catch (Exception e) when (e is DatasetException or ArgumentException)
        {
            Plan = null;
            Error = e.Message;
        }
        return Plan;
    }

    /// <summary>
    /// Runs the cell as Run cell and Run all do: a dataset cell (<see cref="DatasetEvaluator.Evaluates"/>) is evaluated
    /// row x variant into <see cref="Matrix"/>; any other cell runs its variants once (<see cref="CellRunState.RunAsync"/>).
    /// Does nothing while the cell runs. A dataset that fails its check runs nothing: <see cref="Error"/> says why.
    /// </summary>
    /// <param name="evaluator">The dataset evaluator.</param>
    /// <param name="runner">The cell runner (cells without a dataset).</param>
    /// <param name="state">The cell's run state (its options, Running and Cancel).</param>
    /// <param name="notebook">The notebook the cell belongs to.</param>
    /// <param name="cell">The cell.</param>
    /// <param name="model">The model it runs on; null when there is none.</param>
    /// <param name="cancellationToken">Cancels the run (the notebook's Cancel).</param>
    public Task RunCellAsync(DatasetEvaluator evaluator, CellRunner runner, CellRunState state, Notebook notebook, PromptCell cell, string? model,
        CancellationToken cancellationToken)
    {
        if (!DatasetEvaluator.Evaluates(cell)) return state.RunAsync(runner, notebook, cell, model, cancellationToken);
        return state.WhileRunning(cancellationToken, async token =>
        {
            if (await CheckRunnableAsync(state, notebook, cell, model) is not { } plan) return;
            var matrix = Matrix = new MatrixProgress(plan);
            await StreamAsync(matrix, evaluator.RunAsync(plan, token));
        });
    }

    /// <summary>
    /// Runs the dataset's rows as zero-shot, few-shot and instruction prompts (<see cref="DatasetEvaluator.PlanStyles"/>),
    /// one style after another, into <see cref="Styles"/>; every style is checked before any runs. Cancelling keeps the
    /// styles that finished and the rows in so far. Does nothing while the cell runs.
    /// </summary>
    public Task CompareStylesAsync(DatasetEvaluator evaluator, CellRunState state, Notebook notebook, PromptCell cell, string? model,
        CancellationToken cancellationToken) =>
        state.WhileRunning(cancellationToken, async token =>
        {
            if (await CheckRunnableAsync(state, notebook, cell, model) is null) return;
            IReadOnlyList<(string Style, string Note, EvaluationPlan Plan)> plans;
            try { plans = await Task.Run(() => DatasetEvaluator.PlanStyles(Request(state, notebook, cell, model!)), CancellationToken.None); }
            catch (Exception e) when (e is DatasetException or ArgumentException)
            {
                Error = $"Compare prompt styles: {e.Message}";
                await RenderAsync();
                return;
            }
            var styles = plans.Select(p => new MatrixProgress(p.Plan, p.Style, p.Note)).ToList();
            Styles = styles;
            foreach (var style in styles)
            {
                if (token.IsCancellationRequested) break;
                await StreamAsync(style, evaluator.RunAsync(style.Plan, token));
            }
        });

    /// <summary>The cell's plan, checked off the circuit's thread; null (with <see cref="Error"/> and a render) when it cannot run.</summary>
    async Task<EvaluationPlan?> CheckRunnableAsync(CellRunState state, Notebook notebook, PromptCell cell, string? model)
    {
        var plan = model is null ? null : await Task.Run(() => Check(state, notebook, cell, model), CancellationToken.None);
        if (model is null) (Plan, Error) = (null, "no model: choose one for the notebook or the cell (models/ has none?)");
        if (plan is null) await RenderAsync();
        return plan;
    }

    /// <summary>
    /// Reads the results into <paramref name="matrix"/> as they finish (off the circuit's thread) and renders at most once
    /// per <see cref="RenderInterval"/> while they come (and once per <see cref="ClockInterval"/> while none do), then once
    /// when the run ends (finished, cancelled or failed).
    /// </summary>
    async Task StreamAsync(MatrixProgress matrix, IAsyncEnumerable<RowResult> results)
    {
        matrix.Start();
        await RenderAsync();
        var reading = Task.Run(async () =>
        {
            await foreach (var result in results) matrix.Add(result);
        });
        int shown = 0;
        var lastRender = TimeSpan.Zero;
        while (!reading.IsCompleted)
        {
            await Task.WhenAny(reading, Task.Delay(RenderInterval));
            // new results, or a second without any (the clock in the progress line still moves)
            if (reading.IsCompleted || (matrix.Done == shown && matrix.Elapsed - lastRender < ClockInterval)) continue;
            shown = matrix.Done;
            lastRender = matrix.Elapsed;
            matrix.Refresh();
            await RenderAsync();
        }
        try
        {
            await reading;
            matrix.Finish();
        }
        catch (OperationCanceledException)
        {
            matrix.Finish(cancelled: true);
        }
        catch (Exception e)
        {
            // rows' own failures are results; this is the run's (the model went away): shown in the matrix, not a broken circuit
            matrix.Finish(error: e.Message);
        }
        await RenderAsync();
    }

    Task RenderAsync() => Changed?.Invoke() ?? Task.CompletedTask;
}
