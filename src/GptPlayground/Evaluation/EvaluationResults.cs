using GptPlayground.Inference.Generation;
using GptPlayground.Notebooks;

namespace GptPlayground.Evaluation;

/// <summary>What to evaluate: a prompt cell with a dataset (or a single <c>choices</c> cell) on a model.</summary>
/// <param name="Notebook">The notebook (variables, default decoding settings, chat format).</param>
/// <param name="Cell">The cell: its dataset rows fill its <c>{{variables}}</c>; its assertion judges each output.</param>
/// <param name="Model">The model to run on (<see cref="Services.CellRunner.ModelOf"/>).</param>
public sealed record EvaluationRequest(Notebook Notebook, PromptCell Cell, string Model)
{
    /// <summary>Rows in flight at once by default: 16 (their variants' requests share the model's batches).</summary>
    public const int DefaultConcurrency = 16;

    /// <summary>The notebook file's folder, where a dataset file (<c>dataset: data/NAME.csv</c>) is read from; null when the notebook has no file.</summary>
    public string? NotebookDirectory { get; init; }

    /// <summary>Rows run at once, 1 to 256 (default <see cref="DefaultConcurrency"/>): each row's variants go to the model's
    /// scheduler together, so up to Concurrency x variants sequences decode in one batch.</summary>
    public int Concurrency { get; init; } = DefaultConcurrency;

    /// <summary>The seed of sampling variants that set none (as <see cref="Services.CellRunRequest.Seed"/>); null draws a fresh one per row.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Alternatives kept per generated token (0 to 20; default 0: the matrix shows outputs, not token views).</summary>
    public int TopLogprobs { get; init; }

    /// <summary>Where each generated row x variant is recorded (<see cref="Services.RunRecords"/>: one line each, beside
    /// the notebook, in the cell's record file); null records nothing. Scored choices generate nothing and leave no record.</summary>
    public Services.RecordTarget? Record { get; init; }
}

/// <summary>
/// A checked evaluation, ready to run (<see cref="DatasetEvaluator.Plan"/>): the dataset was read and every row's expected
/// answer checked before anything ran.
/// </summary>
/// <param name="Request">What was asked.</param>
/// <param name="Table">The dataset; null for a cell without one (one row: the cell as it is).</param>
/// <param name="Assertion">How outputs are judged.</param>
/// <param name="Variants">The columns of the matrix: the cell's decoding variants, or one named "choices" for a <c>choices</c> assertion (nothing is generated).</param>
public sealed record EvaluationPlan(EvaluationRequest Request, DatasetTable? Table, AssertionKind Assertion, IReadOnlyList<string> Variants)
{
    /// <summary>Rows to run: the dataset's, or 1 for a cell without a dataset.</summary>
    public int RowCount => Table?.Rows.Count ?? 1;

    /// <summary>Runs in all: rows x variants.</summary>
    public int RunCount => RowCount * Variants.Count;
}

/// <summary>A choice of a <c>choices</c> assertion, scored after the prompt.</summary>
/// <param name="Choice">The choice as the cell lists it.</param>
/// <param name="Logprob">Its total log-probability as a continuation of the prompt (sum over its tokens, natural log).</param>
/// <param name="Tokens">Its tokens with their log-probabilities, for the token view.</param>
public sealed record ChoiceScore(string Choice, double Logprob, IReadOnlyList<TokenScore> Tokens);

/// <summary>One cell of the results matrix: one row of the dataset with one variant.</summary>
/// <param name="Row">0-based index of the row in the dataset.</param>
/// <param name="Line">The row's line in its source (the data file, or the <c>```dataset</c> block); 0 for a cell without a dataset.</param>
/// <param name="Variant">The variant's name ("choices" for a choices assertion).</param>
/// <param name="Output">The generated text, or the chosen choice.</param>
/// <param name="Expected">The expected answer, or null when the row has none.</param>
/// <param name="Passed">Whether the output passed the assertion; null when there is no expected answer.</param>
public sealed record RowResult(int Row, int Line, string Variant, string Output, string? Expected, bool? Passed)
{
    /// <summary>Why the run or its judgement failed (the prompt is too long, a regex timed out); then <see cref="Passed"/> is false (or null without an expected answer).</summary>
    public string? Error { get; init; }

    /// <summary>True when <see cref="Error"/> is the assertion's (a regex match that timed out), not the run's: the
    /// notebook needs fixing, and a front end reports it as such rather than as a failed row.</summary>
    public bool AssertionError { get; init; }

    /// <summary>Tokens generated (0 for choices).</summary>
    public int Tokens { get; init; }

    /// <summary>Wall time of the generation or of the scoring, milliseconds.</summary>
    public double TimeMs { get; init; }

    /// <summary>Every choice with its log-probability, in the cell's order, for a choices assertion; else null.</summary>
    public IReadOnlyList<ChoiceScore>? Choices { get; init; }
}

/// <summary>One column of the matrix summed up: how many rows passed, with a 95% Wilson interval.</summary>
/// <param name="Variant">The variant's name.</param>
/// <param name="Passed">Rows that passed.</param>
/// <param name="Judged">Rows with an expected answer (errors count as judged and failed).</param>
/// <param name="Errors">Rows whose run or judgement failed.</param>
/// <param name="PassRate">Passed / judged; null when no row has an expected answer.</param>
/// <param name="CiLow">Lower end of the 95% Wilson interval (<see cref="WilsonInterval"/>); null with <paramref name="PassRate"/>.</param>
/// <param name="CiHigh">Upper end of the interval; null with <paramref name="PassRate"/>.</param>
public sealed record VariantSummary(string Variant, int Passed, int Judged, int Errors, double? PassRate, double? CiLow, double? CiHigh);

/// <summary>A finished evaluation: the matrix (rows x variants, in row order then variant order) and the per-variant summary.</summary>
/// <param name="Plan">What ran.</param>
/// <param name="Rows">Every row x variant result.</param>
/// <param name="Variants">One summary per variant, in <see cref="EvaluationPlan.Variants"/> order.</param>
/// <param name="Elapsed">Wall time of the whole run.</param>
public sealed record EvaluationResult(EvaluationPlan Plan, IReadOnlyList<RowResult> Rows, IReadOnlyList<VariantSummary> Variants, TimeSpan Elapsed);

/// <summary>One prompt style of a style comparison run over the dataset.</summary>
/// <param name="Style">"zero-shot", "few-shot" or "instruction".</param>
/// <param name="Note">How its prompt was built from the cell (<see cref="PromptStyles.Styles"/>).</param>
/// <param name="Result">Its evaluation (one variant: the cell's first).</param>
public sealed record StyleResult(string Style, string Note, EvaluationResult Result)
{
    /// <summary>The style's accuracy with its interval (its only variant's summary).</summary>
    public VariantSummary Summary => Result.Variants[0];
}
