using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GptPlayground.Inference;
using GptPlayground.Notebooks;
using GptPlayground.Services;
using GptPlayground.Tokenizers;

namespace GptPlayground.Evaluation;

/// <summary>
/// Runs a prompt cell over its dataset: every row x variant through the <see cref="CellRunner"/> (the path of Run cell
/// and of <c>run</c>: the row's values fill the prompt's <c>{{variables}}</c>, each variant goes to the model's fair
/// queue, where concurrent rows share batches), judges each output by the cell's assertion (<see cref="Assertions"/>),
/// or, for <c>assert: choices</c>, scores every choice after the prompt with the scorer of the <c>score</c> verb
/// (<see cref="GenerationRunner.ScoreContinuationsAsync"/>), and sums up each variant's pass rate with a 95% Wilson interval.
/// </summary>
/// <remarks>
/// <para>Three steps, so that a front end can check before it runs and show rows as they finish:
/// <see cref="Plan"/> (reads the dataset and checks every row: nothing runs when something is wrong),
/// <see cref="RunAsync"/> (results in the order they finish), <see cref="EvaluateAsync(EvaluationPlan, IProgress{RowResult}?, CancellationToken)"/>
/// (all of it, with progress, sorted and summed up). <see cref="CompareStylesAsync"/> runs the same rows as zero-shot,
/// few-shot and instruction prompts.</para>
/// <para>Cancelling stops every row within one token; rows that failed (an over-long prompt, a regex that timed out)
/// are results with an <see cref="RowResult.Error"/>, never exceptions.</para>
/// </remarks>
/// <example>
/// <code>
/// var evaluator = new DatasetEvaluator(cellRunner, generationRunner);
/// var plan = DatasetEvaluator.Plan(new EvaluationRequest(notebook, cell, "playground-mini") { NotebookDirectory = "prompts" });
/// var result = await evaluator.EvaluateAsync(plan, new Progress&lt;RowResult&gt;(r => table.Add(r)), token);
/// foreach (var v in result.Variants) Console.WriteLine($"{v.Variant}: {v.PassRate:P0} [{v.CiLow:P0}, {v.CiHigh:P0}]");
/// </code>
/// </example>
public sealed class DatasetEvaluator(CellRunner cells, GenerationRunner generation)
{
    /// <summary>The variant name of a choices assertion's only column.</summary>
    public const string ChoicesVariant = "choices";

    /// <summary>Most rows in flight at once.</summary>
    public const int MaxConcurrency = 256;

    /// <summary>
    /// Reads the cell's dataset and checks everything a run needs: the dataset's rows and columns, every expected answer
    /// (a regex that compiles, one of the choices), the concurrency.
    /// </summary>
    /// <exception cref="DatasetException">The dataset cannot be read or breaks a rule; the message names the file, line and column.</exception>
    /// <exception cref="ArgumentException">The concurrency is out of range, or a choices cell has no expected answer.</exception>
    public static EvaluationPlan Plan(EvaluationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Concurrency is < 1 or > MaxConcurrency)
            throw new ArgumentException($"concurrency (={request.Concurrency}) must be between 1 and {MaxConcurrency}");
        var cell = request.Cell;
        var table = CellDataset.Load(cell, request.NotebookDirectory);
        var kind = cell.Assert ?? AssertionKind.Exact;
        IReadOnlyList<string> variants = kind == AssertionKind.Choices ? [ChoicesVariant] : CellRunner.VariantsOf(cell).Select(v => v.Name).ToList();
        var plan = new EvaluationPlan(request, table, kind, variants);
        if (table is not null && cell.Expected is not null)
        {
            // an expected block with {{variables}}: each row's answer, checked now so that nothing runs with a bad one
            for (int i = 0; i < table.Rows.Count; i++)
            {
                var expected = ExpectedFor(plan, i)!;
                if (kind == AssertionKind.Regex)
                {
                    try { Assertions.Compile(expected); }
                    catch (ArgumentException e) { throw new DatasetException(table.Source, table.Rows[i].Line, $"the ```expected block gives the regex '{expected}', which does not compile ({e.Message})"); }
                }
                if (kind == AssertionKind.Choices && !cell.Choices.Any(c => c.Trim() == expected.Trim()))
                    throw new DatasetException(table.Source, table.Rows[i].Line, $"the ```expected block gives '{expected}', which is not one of the choices ({string.Join(", ", cell.Choices)})");
            }
        }
        return plan;
    }

    /// <summary>The expected answer of row <paramref name="row"/>: the cell's <c>```expected</c> block with the row's
    /// <c>{{variables}}</c> filled in, else the row's expected column; null when there is neither.</summary>
    public static string? ExpectedFor(EvaluationPlan plan, int row)
    {
        var (notebook, cell) = (plan.Request.Notebook, plan.Request.Cell);
        if (plan.Table is not { } table) return cell.Expected;
        if (cell.Expected is { } template)
            return PromptRenderer.Substitute(template, PromptRenderer.VariablesOf(notebook, cell, table.Variables(table.Rows[row])));
        int column = CellDataset.ExpectedColumnOf(cell, table);
        return column < 0 ? null : table.Rows[row].Values[column];
    }

    /// <summary>Plans (<see cref="Plan"/>) and runs the whole evaluation (<see cref="EvaluateAsync(EvaluationPlan, IProgress{RowResult}?, CancellationToken)"/>).</summary>
    /// <exception cref="DatasetException">The dataset cannot be used (nothing ran).</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public Task<EvaluationResult> EvaluateAsync(EvaluationRequest request, IProgress<RowResult>? progress = null, CancellationToken cancellationToken = default) =>
        EvaluateAsync(Plan(request), progress, cancellationToken);

    /// <summary>
    /// Runs every row x variant of a plan, reporting each result to <paramref name="progress"/> as it finishes, and
    /// returns the matrix in row then variant order with each variant's pass rate and 95% Wilson interval.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task<EvaluationResult> EvaluateAsync(EvaluationPlan plan, IProgress<RowResult>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var results = new List<RowResult>(plan.RunCount);
        await foreach (var result in RunAsync(plan, cancellationToken))
        {
            results.Add(result);
            progress?.Report(result);
        }
        var order = plan.Variants.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i);
        results.Sort((a, b) => a.Row != b.Row ? a.Row.CompareTo(b.Row) : order[a.Variant].CompareTo(order[b.Variant]));
        return new EvaluationResult(plan, results, Summarize(plan.Variants, results), clock.Elapsed);
    }

    /// <summary>
    /// Streams the results of every row x variant in the order they finish (a row's variants run together; up to
    /// <see cref="EvaluationRequest.Concurrency"/> rows at once). Stopping the enumeration cancels the rows still running.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async IAsyncEnumerable<RowResult> RunAsync(EvaluationPlan plan, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<RowResult>(new UnboundedChannelOptions { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var options = new ParallelOptions { MaxDegreeOfParallelism = plan.Request.Concurrency, CancellationToken = stop.Token };
        var producer = Task.Run(async () =>
        {
            try
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, plan.RowCount), options, async (row, token) =>
                {
                    foreach (var result in await RunRowAsync(plan, row, token)) channel.Writer.TryWrite(result);
                });
                channel.Writer.TryComplete();
            }
            catch (Exception e) { channel.Writer.TryComplete(e); }
        }, CancellationToken.None);
        try
        {
            await foreach (var result in channel.Reader.ReadAllAsync(CancellationToken.None))
                yield return result;
        }
        finally
        {
            stop.Cancel();
            try { await producer; } catch (OperationCanceledException) { }
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Each variant's pass rate over the judged rows, with its 95% Wilson interval.</summary>
    public static IReadOnlyList<VariantSummary> Summarize(IReadOnlyList<string> variants, IEnumerable<RowResult> results)
    {
        var all = results.ToList();
        return variants.Select(v =>
        {
            var mine = all.Where(r => r.Variant == v).ToList();
            int judged = mine.Count(r => r.Passed is not null), passed = mine.Count(r => r.Passed == true), errors = mine.Count(r => r.Error is not null);
            if (judged == 0) return new VariantSummary(v, 0, 0, errors, null, null, null);
            var (low, high) = WilsonInterval.Of(passed, judged);
            return new VariantSummary(v, passed, judged, errors, (double)passed / judged, low, high);
        }).ToList();
    }

    /// <summary>
    /// Runs the cell's rows as zero-shot, few-shot and instruction prompts (<see cref="PromptStyles.Styles"/>, with the
    /// cell's first decoding variant), one style after another, each checked before any runs.
    /// </summary>
    /// <param name="request">The cell (zero-shot or few-shot) and its dataset.</param>
    /// <param name="progress">Each row's result with its style, as it finishes.</param>
    /// <param name="cancellationToken">Stops the comparison.</param>
    /// <exception cref="ArgumentException">The cell is an instruction cell (compare from a zero-shot or few-shot cell).</exception>
    /// <exception cref="DatasetException">The dataset cannot be used (nothing ran).</exception>
    public async Task<IReadOnlyList<StyleResult>> CompareStylesAsync(EvaluationRequest request, IProgress<(string Style, RowResult Row)>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var styles = PlanStyles(request);
        var results = new List<StyleResult>();
        foreach (var (style, note, plan) in styles)
        {
            var report = progress is null ? null : new Relay<RowResult>(r => progress.Report((style, r)));
            results.Add(new StyleResult(style, note, await EvaluateAsync(plan, report, cancellationToken)));
        }
        return results;
    }

    /// <summary>
    /// The plans of a style comparison (<see cref="CompareStylesAsync"/>): the cell's rows as zero-shot, few-shot and
    /// instruction prompts (<see cref="PromptStyles.Styles"/>), each with the cell's first decoding variant, every one
    /// checked (<see cref="Plan"/>) before any runs.
    /// </summary>
    /// <exception cref="ArgumentException">The cell is an instruction cell (compare from a zero-shot or few-shot cell).</exception>
    /// <exception cref="DatasetException">The dataset cannot be used.</exception>
    public static IReadOnlyList<(string Style, string Note, EvaluationPlan Plan)> PlanStyles(EvaluationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return PromptStyles.Styles(request.Cell).Select(s =>
        {
            s.Cell.Variants = [.. request.Cell.Variants.Take(1)];
            return (s.Style, s.Note, Plan(request with { Cell = s.Cell }));
        }).ToList();
    }

    /// <summary>
    /// True when running <paramref name="cell"/> means evaluating it (the <c>run</c> verb and the editor's Run cell alike):
    /// it has a dataset, or it scores choices (<c>assert: choices</c>).
    /// </summary>
    public static bool Evaluates(PromptCell cell) => cell.HasDataset || cell.Assert == AssertionKind.Choices;

    /// <summary>Reports synchronously on the caller's thread (unlike <see cref="Progress{T}"/>, which posts).</summary>
    internal sealed class Relay<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    /// <summary>One row: rendered once, then every variant at once (or the choices scored).</summary>
    async Task<IReadOnlyList<RowResult>> RunRowAsync(EvaluationPlan plan, int row, CancellationToken cancellationToken)
    {
        var request = plan.Request;
        var table = plan.Table;
        int line = table?.Rows[row].Line ?? 0;
        var expected = ExpectedFor(plan, row);
        RowResult Failed(string variant, string error) => new(row, line, variant, "", expected, expected is null ? null : false) { Error = error };

        PreparedCell prepared;
        try
        {
            prepared = await cells.PrepareAsync(new CellRunRequest(request.Notebook, request.Cell, request.Model)
            {
                Row = table?.Variables(table.Rows[row]),
                Seed = request.Seed,
                TopLogprobs = request.TopLogprobs,
                Record = request.Record,
            }, cancellationToken);
        }
        catch (Exception e) when (e is ModelException or TokenizerException or ArgumentException)
        {
            return plan.Variants.Select(v => Failed(v, e.Message)).ToList();
        }

        if (plan.Assertion == AssertionKind.Choices)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                var choices = await ScoreChoicesAsync(prepared, request.Cell.Choices, cancellationToken);
                var best = choices.MaxBy(c => c.Logprob)!;                                // ties: the first listed
                var judgement = expected is null ? (Judgement?)null : Assertions.Judge(AssertionKind.Exact, expected, best.Choice);
                return [new RowResult(row, line, ChoicesVariant, best.Choice, expected, judgement?.Passed) { Choices = choices, TimeMs = clock.Elapsed.TotalMilliseconds }];
            }
            catch (Exception e) when (e is ModelException or TokenizerException or ArgumentException)
            {
                return [Failed(ChoicesVariant, e.Message)];
            }
        }

        var runs = prepared.Variants.Select(async (variant, v) =>
        {
            var column = new VariantRun(variant.Name, variant.Settings.Summary());
            await cells.RunVariantAsync(prepared, v, column, () => Task.CompletedTask, cancellationToken);
            if (column.Cancelled) throw new OperationCanceledException(cancellationToken);
            if (column.Error is { } error) return Failed(variant.Name, error);
            var output = column.ToOutput()!;
            var judgement = expected is null ? (Judgement?)null : Assertions.Judge(plan.Assertion, expected, output.Text);
            return new RowResult(row, line, variant.Name, output.Text, expected, judgement?.Passed)
            {
                Error = judgement?.Error,
                AssertionError = judgement?.Error is not null,
                Tokens = output.Tokens ?? 0,
                TimeMs = output.TimeMs ?? 0,
            };
        });
        return await Task.WhenAll(runs);
    }

    /// <summary>Every choice's log-probability as a continuation of the row's prompt.</summary>
    async Task<IReadOnlyList<ChoiceScore>> ScoreChoicesAsync(PreparedCell prepared, IReadOnlyList<string> choices, CancellationToken cancellationToken)
    {
        var continuations = choices.Select(c => ContinuationOf(prepared.Prompt.Text, c)).ToList();
        var scores = await generation.ScoreContinuationsAsync(prepared.Request.Model, prepared.PromptIds, continuations, 0, cancellationToken);
        int n = prepared.PromptIds.Length;
        return choices.Select((c, k) =>
        {
            var tokens = scores[k].Tokens.Skip(n).ToList();                               // the choice's own tokens
            return new ChoiceScore(c, tokens.Sum(t => (double)(t.Logprob ?? 0)), tokens);
        }).ToList();
    }

    /// <summary>
    /// The text a choice is scored as after the prompt: with one space before it (lm-evaluation-harness's target
    /// delimiter; the prompt "Sentiment:" continues " positive") unless the prompt ends in whitespace or the choice starts
    /// with it.
    /// </summary>
    public static string ContinuationOf(string prompt, string choice) =>
        prompt.Length == 0 || char.IsWhiteSpace(prompt[^1]) || (choice.Length > 0 && char.IsWhiteSpace(choice[0])) ? choice : " " + choice;
}
