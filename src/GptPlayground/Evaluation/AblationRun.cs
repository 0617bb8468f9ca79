using System.Diagnostics;
using System.Runtime.CompilerServices;
using GptPlayground.Inference;
using GptPlayground.Notebooks;
using GptPlayground.Tokenizers;

namespace GptPlayground.Evaluation;

/// <summary>
/// The few-shot ablation of one cell in the UI: its options (repeats, seed), its progress while it runs, and its last
/// result or error. The ablation panel is a view of it; the work is <see cref="FewShotAblation"/>'s.
/// </summary>
public sealed class AblationRun
{
    /// <summary>Random subsets per k and random orders (1 to <see cref="AblationRequest.MaxRepeats"/>; default <see cref="AblationRequest.DefaultRepeats"/>).</summary>
    public int Repeats { get; set; } = AblationRequest.DefaultRepeats;

    /// <summary>The seed of the subsets and orders (default 1).</summary>
    public int Seed { get; set; } = 1;

    /// <summary>True while the ablation runs.</summary>
    public bool Running { get; private set; }

    /// <summary>How far the running ablation got; null before the first row finishes.</summary>
    public AblationProgress? Progress { get; private set; }

    /// <summary>The last finished ablation; null before one finished (or after a failed one).</summary>
    public AblationResult? Result { get; private set; }

    /// <summary>Why the last ablation did not finish (bad input, a model that cannot load, cancelled); null when it did.</summary>
    public string? Error { get; private set; }

    /// <summary>Least time between two progress renders.</summary>
    static readonly TimeSpan RenderEvery = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Plans and runs the ablation of <paramref name="request"/> with this run's repeats and seed, keeping the result, or
    /// the error as text (nothing is thrown but a bug's exception). <paramref name="render"/> is called as rows finish
    /// (at most 4 times a second) and at the end.
    /// </summary>
    public async Task RunAsync(FewShotAblation ablation, AblationRequest request, Func<Task> render, CancellationToken cancellationToken)
    {
        (Running, Progress, Error) = (true, null, null);
        var clock = Stopwatch.StartNew();
        var last = TimeSpan.Zero;
        var progress = new DatasetEvaluator.Relay<AblationProgress>(p =>
        {
            Progress = p;
            lock (clock)
            {
                if (clock.Elapsed - last < RenderEvery) return;
                last = clock.Elapsed;
            }
            _ = render();
        });
        try
        {
            await render();
            var plan = await Task.Run(() => FewShotAblation.Plan(request with { Repeats = Repeats, Seed = Seed }), cancellationToken);
            Result = await ablation.RunAsync(plan, progress, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Error = "Cancelled: the last finished ablation (if any) is shown.";
        }
        catch (Exception e) when (e is ArgumentException or DatasetException or ModelException or TokenizerException or IOException)
        {
            (Result, Error) = (null, e.Message);
        }
        finally
        {
            Running = false;
            await render();
        }
    }
}

/// <summary>The ablation runs of one browser tab, one per cell (kept while the cell lives).</summary>
public sealed class AblationRuns
{
    readonly ConditionalWeakTable<PromptCell, AblationRun> runs = [];

    /// <summary>The ablation run of <paramref name="cell"/> (a new one the first time).</summary>
    public AblationRun For(PromptCell cell) => runs.GetValue(cell, _ => new AblationRun());
}
