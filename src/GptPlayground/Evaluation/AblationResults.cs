using GptPlayground.Notebooks;

namespace GptPlayground.Evaluation;

/// <summary>What to ablate: a few-shot cell with a dataset, on a model (<see cref="FewShotAblation"/>).</summary>
/// <param name="Notebook">The notebook (variables, default decoding settings).</param>
/// <param name="Cell">The cell: a few-shot cell with at least one enabled example and a dataset with expected answers.</param>
/// <param name="Model">The model to run on.</param>
public sealed record AblationRequest(Notebook Notebook, PromptCell Cell, string Model)
{
    /// <summary>Default <see cref="Repeats"/>: 5 random subsets per k and 5 random orders.</summary>
    public const int DefaultRepeats = 5;

    /// <summary>Most <see cref="Repeats"/>.</summary>
    public const int MaxRepeats = 100;

    /// <summary>Random subsets per k of the k-shot curve, and random orders of the order sensitivity: 1 to
    /// <see cref="MaxRepeats"/> (default <see cref="DefaultRepeats"/>).</summary>
    public int Repeats { get; init; } = DefaultRepeats;

    /// <summary>The seed of the subsets and orders drawn (default 1): the same seed draws the same ones. It is also the seed
    /// of a sampling variant that sets none, so that a configuration's outputs do not change between runs either.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The notebook file's folder (a dataset file is read from it); null when the notebook has no file.</summary>
    public string? NotebookDirectory { get; init; }

    /// <summary>Rows in flight per configuration (as <see cref="EvaluationRequest.Concurrency"/>; default 16).</summary>
    public int Concurrency { get; init; } = EvaluationRequest.DefaultConcurrency;
}

/// <summary>
/// One prompt of an ablation: the cell with some of its enabled examples in some order.
/// </summary>
/// <param name="Examples">Indexes into the cell's <see cref="FewShotCell.Examples"/> (0-based), in prompt order.</param>
public sealed record AblationConfiguration(IReadOnlyList<int> Examples)
{
    /// <summary>A key equal for equal example lists (a configuration drawn twice is evaluated once).</summary>
    public string Key => string.Join(",", Examples);
}

/// <summary>A checked ablation, ready to run (<see cref="FewShotAblation.Plan"/>): the dataset read and the subsets and orders drawn.</summary>
/// <param name="Request">What was asked.</param>
/// <param name="Evaluation">The cell's own evaluation plan (the dataset, checked), with the cell's first variant only.</param>
/// <param name="Enabled">The enabled examples (indexes into the cell's examples), in the cell's order: the full prompt.</param>
/// <param name="Curve">For each k from 0 to n: the subsets drawn (k = 0 and k = n: one, the empty prompt and the full one).</param>
/// <param name="Orders">The random orders of all enabled examples.</param>
public sealed record AblationPlan(AblationRequest Request, EvaluationPlan Evaluation, IReadOnlyList<int> Enabled,
    IReadOnlyList<IReadOnlyList<AblationConfiguration>> Curve, IReadOnlyList<AblationConfiguration> Orders)
{
    /// <summary>The full prompt: every enabled example in the cell's order.</summary>
    public AblationConfiguration Full => new(Enabled);

    /// <summary>The full prompt without each enabled example in turn, in example order.</summary>
    public IReadOnlyList<AblationConfiguration> LeaveOneOut => Enabled.Select(i => new AblationConfiguration(Enabled.Where(e => e != i).ToList())).ToList();

    /// <summary>Every distinct configuration, each evaluated once: the full prompt, leave-one-out, the curve's subsets, the orders.</summary>
    public IReadOnlyList<AblationConfiguration> Configurations =>
        new[] { Full }.Concat(LeaveOneOut).Concat(Curve.SelectMany(c => c)).Concat(Orders).DistinctBy(c => c.Key).ToList();

    /// <summary>The variant every configuration runs with (the cell's first, or "choices").</summary>
    public string Variant => Evaluation.Variants[0];

    /// <summary>Generations (or choice scorings) in all: configurations x rows.</summary>
    public int RunCount => Configurations.Count * Evaluation.RowCount;
}

/// <summary>One configuration's accuracy over the dataset, with its 95% Wilson interval.</summary>
/// <param name="Examples">The configuration's examples (indexes into the cell's examples, in prompt order).</param>
/// <param name="Passed">Rows that passed.</param>
/// <param name="Judged">Rows judged (every row has an expected answer; errors count as failed).</param>
/// <param name="Errors">Rows whose run failed.</param>
/// <param name="Accuracy">Passed / judged.</param>
/// <param name="CiLow">Lower end of the 95% Wilson interval.</param>
/// <param name="CiHigh">Upper end of the interval.</param>
public sealed record ConfigurationScore(IReadOnlyList<int> Examples, int Passed, int Judged, int Errors, double Accuracy, double CiLow, double CiHigh);

/// <summary>The prompt without one example.</summary>
/// <param name="Example">The example left out (index into the cell's examples, 0-based).</param>
/// <param name="Input">Its input.</param>
/// <param name="Output">Its output.</param>
/// <param name="Without">The accuracy of the full prompt without it.</param>
/// <param name="Delta">Full accuracy minus <paramref name="Without"/>'s: positive when the example helps (leaving it out
/// loses accuracy), negative when it hurts.</param>
public sealed record LeaveOneOutScore(int Example, string Input, string Output, ConfigurationScore Without, double Delta);

/// <summary>Accuracies of several configurations summed up: mean, range and spread.</summary>
/// <param name="Count">Configurations.</param>
/// <param name="Mean">Mean accuracy.</param>
/// <param name="Min">Lowest accuracy.</param>
/// <param name="Max">Highest accuracy.</param>
/// <param name="StdDev">Sample standard deviation of the accuracies (n - 1 in the denominator); 0 for one.</param>
public sealed record Spread(int Count, double Mean, double Min, double Max, double StdDev)
{
    /// <summary>The spread of <paramref name="accuracies"/> (at least one).</summary>
    public static Spread Of(IReadOnlyList<double> accuracies)
    {
        double mean = accuracies.Average();
        double variance = accuracies.Count > 1 ? accuracies.Sum(a => (a - mean) * (a - mean)) / (accuracies.Count - 1) : 0;
        return new Spread(accuracies.Count, mean, accuracies.Min(), accuracies.Max(), Math.Sqrt(variance));
    }
}

/// <summary>One point of the k-shot curve: the accuracy of prompts with k of the examples.</summary>
/// <param name="K">Examples in the prompt.</param>
/// <param name="Subsets">Every subset drawn (as many as <see cref="AblationRequest.Repeats"/>; one for k = 0 and k = n), with its accuracy.</param>
/// <param name="Summary">Their mean, range and spread.</param>
public sealed record KShotPoint(int K, IReadOnlyList<ConfigurationScore> Subsets, Spread Summary);

/// <summary>The accuracy of random orders of all the enabled examples.</summary>
/// <param name="Orders">Each order with its accuracy.</param>
/// <param name="Summary">Their mean, range and spread.</param>
public sealed record OrderSensitivity(IReadOnlyList<ConfigurationScore> Orders, Spread Summary);

/// <summary>A finished ablation.</summary>
/// <param name="Plan">What ran.</param>
/// <param name="Full">The full prompt's accuracy.</param>
/// <param name="LeaveOneOut">Each enabled example left out, in example order.</param>
/// <param name="Curve">The k-shot curve, k = 0 to n.</param>
/// <param name="Order">The order sensitivity.</param>
/// <param name="Elapsed">Wall time.</param>
public sealed record AblationResult(AblationPlan Plan, ConfigurationScore Full, IReadOnlyList<LeaveOneOutScore> LeaveOneOut, IReadOnlyList<KShotPoint> Curve,
    OrderSensitivity Order, TimeSpan Elapsed);

/// <summary>How far an ablation got.</summary>
/// <param name="Done">Rows x configurations finished.</param>
/// <param name="Total">Rows x configurations in all (<see cref="AblationPlan.RunCount"/>).</param>
/// <param name="Configurations">Configurations finished.</param>
/// <param name="TotalConfigurations">Configurations in all.</param>
public sealed record AblationProgress(int Done, int Total, int Configurations, int TotalConfigurations);
