using System.Diagnostics;

namespace GptPlayground.Evaluation;

/// <summary>
/// One evaluation of a plan as it goes: the rows x variants results that have finished (<see cref="Add"/>, from any
/// thread), how many, each variant's pass rate with its 95% Wilson interval so far (<see cref="Summaries"/>, refreshed by
/// <see cref="Refresh"/>), and the run's time and outcome. The results matrix of the editor is a view of it.
/// </summary>
/// <param name="plan">The checked evaluation this run follows (its rows, variants and dataset).</param>
/// <param name="title">What the run is (a prompt style's name in a style comparison); null for the cell's own run.</param>
/// <param name="note">How the run's prompt was built (a prompt style's note); null for the cell's own run.</param>
public sealed class MatrixProgress(EvaluationPlan plan, string? title = null, string? note = null)
{
    readonly RowResult?[] cells = new RowResult?[plan.RunCount];
    readonly Stopwatch clock = new();
    readonly Lock gate = new();
    int done;

    /// <summary>The checked evaluation this run follows.</summary>
    public EvaluationPlan Plan { get; } = plan;

    /// <summary>A prompt style's name in a style comparison; null for the cell's own run.</summary>
    public string? Title { get; } = title;

    /// <summary>How a prompt style's prompt was built; null for the cell's own run.</summary>
    public string? Note { get; } = note;

    /// <summary>Rows of the matrix (the dataset's rows).</summary>
    public int RowCount => Plan.RowCount;

    /// <summary>Columns of the matrix (the cell's variants, or "choices").</summary>
    public IReadOnlyList<string> Variants => Plan.Variants;

    /// <summary>Results in so far (row x variant runs that finished).</summary>
    public int Done => Volatile.Read(ref done);

    /// <summary>Rows whose every variant has finished.</summary>
    public int RowsDone { get; private set; }

    /// <summary>True from <see cref="Start"/> until <see cref="Finish"/>.</summary>
    public bool Running { get; private set; }

    /// <summary>True when the run was cancelled before every row finished (the results so far stay).</summary>
    public bool Cancelled { get; private set; }

    /// <summary>Why the run stopped early (a model that cannot load), or null.</summary>
    public string? Error { get; private set; }

    /// <summary>Wall time since <see cref="Start"/> (frozen by <see cref="Finish"/>).</summary>
    public TimeSpan Elapsed => clock.Elapsed;

    /// <summary>Each variant's pass rate and interval over the results in at the last <see cref="Refresh"/>, in <see cref="Variants"/> order.</summary>
    public IReadOnlyList<VariantSummary> Summaries { get; private set; } = DatasetEvaluator.Summarize(plan.Variants, []);

    /// <summary>Times <see cref="Refresh"/> ran (each is one render of the matrix; the editor throttles them).</summary>
    public int Refreshes { get; private set; }

    /// <summary>The result of row <paramref name="row"/> with variant <paramref name="variant"/> (index into <see cref="Variants"/>), or null while it runs.</summary>
    public RowResult? this[int row, int variant] => Volatile.Read(ref cells[row * Variants.Count + variant]);

    /// <summary>Starts the clock.</summary>
    public void Start()
    {
        Running = true;
        clock.Restart();
    }

    /// <summary>Records one finished result (from any thread).</summary>
    /// <exception cref="ArgumentException">The result's row or variant is not in the plan.</exception>
    public void Add(RowResult result)
    {
        int v = IndexOf(result.Variant);
        if (v < 0 || result.Row < 0 || result.Row >= RowCount)
            throw new ArgumentException($"result of row {result.Row} / variant '{result.Variant}' is not in the plan ({RowCount} rows; variants {string.Join(", ", Variants)})", nameof(result));
        Volatile.Write(ref cells[result.Row * Variants.Count + v], result);
        Interlocked.Increment(ref done);
    }

    /// <summary>Sums up the results in so far (<see cref="Summaries"/>, <see cref="RowsDone"/>): once per render, not per result.</summary>
    public void Refresh()
    {
        lock (gate)
        {
            var results = new List<RowResult>(Done);
            int rowsDone = 0;
            for (int row = 0; row < RowCount; row++)
            {
                bool complete = true;
                for (int v = 0; v < Variants.Count; v++)
                {
                    if (this[row, v] is { } r) results.Add(r);
                    else complete = false;
                }
                if (complete) rowsDone++;
            }
            Summaries = DatasetEvaluator.Summarize(Variants, results);
            RowsDone = rowsDone;
            Refreshes++;
        }
    }

    /// <summary>Stops the clock and sums up: cancelled when <paramref name="cancelled"/>, failed with <paramref name="error"/>.</summary>
    public void Finish(bool cancelled = false, string? error = null)
    {
        clock.Stop();
        Cancelled = cancelled;
        Error = error;
        Running = false;
        Refresh();
    }

    /// <summary>The index of a variant in <see cref="Variants"/>, or -1.</summary>
    public int IndexOf(string variant)
    {
        for (int i = 0; i < Variants.Count; i++) if (Variants[i] == variant) return i;
        return -1;
    }
}
