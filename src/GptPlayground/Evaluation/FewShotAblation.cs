using System.Diagnostics;
using GptPlayground.Notebooks;

namespace GptPlayground.Evaluation;

/// <summary>
/// Which few-shot examples matter: a few-shot cell with a dataset is evaluated (<see cref="DatasetEvaluator"/>) as the
/// full prompt, without each enabled example in turn (leave-one-out: which examples help or hurt), with k random examples
/// for k = 0 to n (the k-shot curve: mean and spread over <see cref="AblationRequest.Repeats"/> subsets), and with the
/// examples in random orders (order sensitivity). Each configuration is the cell with a subset or ordering of its
/// enabled examples (<see cref="PromptStyles.WithExamples"/>) and the cell's first decoding variant.
/// </summary>
/// <remarks>
/// <para>Subsets and orders come from a <see cref="Random"/> seeded with <see cref="AblationRequest.Seed"/>: the same seed
/// draws the same configurations (a subset keeps the cell's order of its examples). A configuration drawn twice (and a
/// k = n - 1 subset equal to a leave-one-out prompt) is evaluated once. Configurations run concurrently, so that the
/// model's scheduler batches their rows together.</para>
/// <para>Cancelling stops every configuration within one token.</para>
/// </remarks>
/// <example>
/// <code>
/// var plan = FewShotAblation.Plan(new AblationRequest(notebook, cell, "playground-mini") { Repeats = 5, Seed = 1, NotebookDirectory = "prompts" });
/// var result = await ablation.RunAsync(plan, new Progress&lt;AblationProgress&gt;(p => bar.Value = p.Done), token);
/// foreach (var point in result.Curve) Console.WriteLine($"k={point.K}: {point.Summary.Mean:P0}");
/// </code>
/// </example>
public sealed class FewShotAblation(DatasetEvaluator evaluator)
{
    /// <summary>Configurations evaluated at once (each with its rows in flight).</summary>
    public const int ConfigurationsInFlight = 8;

    /// <summary>
    /// Checks the request (a few-shot cell with at least one enabled example and a dataset with expected answers; repeats
    /// in range), reads the dataset, and draws the subsets and orders.
    /// </summary>
    /// <exception cref="ArgumentException">The cell, the repeats or the concurrency cannot be used; the message names the parameter, its value and the fix.</exception>
    /// <exception cref="DatasetException">The dataset cannot be read or breaks a rule.</exception>
    public static AblationPlan Plan(AblationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Repeats is < 1 or > AblationRequest.MaxRepeats)
            throw new ArgumentException($"repeats (={request.Repeats}) must be between 1 and {AblationRequest.MaxRepeats}: the random subsets per k and random orders to evaluate (default {AblationRequest.DefaultRepeats})");
        if (request.Seed < 0)
            throw new ArgumentException($"seed (={request.Seed}) must be 0 or more: the same seed draws the same subsets and orders");
        var cell = request.Cell;
        if (cell is not FewShotCell fewShot)
            throw new ArgumentException($"cell '{cell.Name}' is a {CellSyntax.Name(cell.Kind)} cell: the ablation leaves out few-shot examples, so it needs a few-shot cell (## Few-shot: NAME) with examples");
        var enabled = fewShot.Examples.Select((e, i) => (e, i)).Where(p => p.e.Enabled).Select(p => p.i).ToList();
        if (enabled.Count == 0)
            throw new ArgumentException($"cell '{cell.Name}' has no enabled examples ({fewShot.Examples.Count} in all): add an example, or switch one on");
        if (!cell.HasDataset)
            throw new ArgumentException($"cell '{cell.Name}' has no dataset: the ablation measures accuracy over rows; add a ```dataset block or 'dataset: data/NAME.csv' with an '{DatasetTable.DefaultExpectedColumn}' column");

        var first = PromptStyles.WithExamples(fewShot, fewShot.Examples);
        first.Variants = [.. fewShot.Variants.Take(1)];
        var evaluation = DatasetEvaluator.Plan(new EvaluationRequest(request.Notebook, first, request.Model)
        {
            NotebookDirectory = request.NotebookDirectory,
            Concurrency = request.Concurrency,
            Seed = (ulong)request.Seed,
        });
        if (evaluation.Table is { } table && cell.Expected is null && CellDataset.ExpectedColumnOf(cell, table) < 0)
            throw new ArgumentException($"{table.Source} has no '{cell.ExpectedColumn ?? DatasetTable.DefaultExpectedColumn}' column (columns: {string.Join(", ", table.Columns)}): the ablation needs each row's expected answer; add the column, name it with 'expected_column: NAME', or add an ```expected block");

        var random = new Random(request.Seed);
        int n = enabled.Count;
        var curve = new List<IReadOnlyList<AblationConfiguration>>();
        for (int k = 0; k <= n; k++)
            curve.Add(k == 0 || k == n
                ? [new AblationConfiguration(k == 0 ? [] : enabled)]
                : Enumerable.Range(0, request.Repeats).Select(_ => new AblationConfiguration(Subset(random, enabled, k))).ToList());
        var orders = Enumerable.Range(0, request.Repeats).Select(_ => new AblationConfiguration(Shuffled(random, enabled))).ToList();
        return new AblationPlan(request, evaluation, enabled, curve, orders);
    }

    /// <summary>Plans (<see cref="Plan"/>) and runs (<see cref="RunAsync(AblationPlan, IProgress{AblationProgress}?, CancellationToken)"/>) the ablation.</summary>
    public Task<AblationResult> RunAsync(AblationRequest request, IProgress<AblationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        RunAsync(Plan(request), progress, cancellationToken);

    /// <summary>
    /// Evaluates every distinct configuration of the plan over the dataset, <see cref="ConfigurationsInFlight"/> at once,
    /// reporting each finished row, and sums up leave-one-out, the k-shot curve and the order sensitivity.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task<AblationResult> RunAsync(AblationPlan plan, IProgress<AblationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var cell = (FewShotCell)plan.Evaluation.Request.Cell;
        var configurations = plan.Configurations;
        int total = configurations.Count * plan.Evaluation.RowCount, done = 0, finished = 0;
        var scores = new Dictionary<string, ConfigurationScore>();
        var rowDone = new DatasetEvaluator.Relay<RowResult>(_ =>
        {
            int d = Interlocked.Increment(ref done);
            progress?.Report(new AblationProgress(d, total, Volatile.Read(ref finished), configurations.Count));
        });
        using var gate = new SemaphoreSlim(ConfigurationsInFlight);
        await Task.WhenAll(configurations.Select(async configuration =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                var prompt = PromptStyles.WithExamples(cell, configuration.Examples.Select(i => cell.Examples[i]));
                var result = await evaluator.EvaluateAsync(plan.Evaluation with { Request = plan.Evaluation.Request with { Cell = prompt } }, rowDone, cancellationToken);
                var score = ScoreOf(configuration, result.Variants[0]);
                lock (scores) scores[configuration.Key] = score;
                int f = Interlocked.Increment(ref finished);
                progress?.Report(new AblationProgress(Volatile.Read(ref done), total, f, configurations.Count));
            }
            finally { gate.Release(); }
        }));

        var full = scores[plan.Full.Key];
        var leaveOneOut = plan.LeaveOneOut.Select((c, i) =>
        {
            var example = cell.Examples[plan.Enabled[i]];
            var without = scores[c.Key];
            return new LeaveOneOutScore(plan.Enabled[i], example.Input, example.Output, without, full.Accuracy - without.Accuracy);
        }).ToList();
        var curve = plan.Curve.Select((subsets, k) =>
        {
            var list = subsets.Select(s => scores[s.Key]).ToList();
            return new KShotPoint(k, list, Spread.Of(list.Select(s => s.Accuracy).ToList()));
        }).ToList();
        var orders = plan.Orders.Select(o => scores[o.Key]).ToList();
        return new AblationResult(plan, full, leaveOneOut, curve, new OrderSensitivity(orders, Spread.Of(orders.Select(o => o.Accuracy).ToList())), clock.Elapsed);
    }

    static ConfigurationScore ScoreOf(AblationConfiguration configuration, VariantSummary summary) =>
        new(configuration.Examples, summary.Passed, summary.Judged, summary.Errors, summary.PassRate ?? 0, summary.CiLow ?? 0, summary.CiHigh ?? 1);

    /// <summary>k of <paramref name="items"/> drawn without replacement (a partial Fisher-Yates shuffle), in their original order.</summary>
    static List<int> Subset(Random random, IReadOnlyList<int> items, int k)
    {
        var pool = items.ToArray();
        for (int i = 0; i < k; i++)
        {
            int j = random.Next(i, pool.Length);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        return pool.Take(k).Order().ToList();
    }

    /// <summary>The items in a random order (Fisher-Yates).</summary>
    static List<int> Shuffled(Random random, IReadOnlyList<int> items)
    {
        var order = items.ToArray();
        random.Shuffle(order);
        return [.. order];
    }
}
