using GptPlayground.Decoding;
using GptPlayground.Notebooks;

namespace GptPlayground.Services;

/// <summary>
/// The N-sample distribution of one variant of a prompt cell: runs the variant once with num_return_sequences = N
/// (one request, so its N rows decode in one batch; sample k draws from random stream k of the seed) and groups the
/// outputs (<see cref="SampleDistribution"/>). The cell's distribution view shows it; the <c>run</c> verb's
/// <c>--samples</c> gives the same groups.
/// </summary>
public sealed class SampleDistributionRun
{
    /// <summary>The most samples one run may ask for: the engine's limit on sequences per request (<see cref="DecodingLimits.MaxSequences"/>).</summary>
    public static int MaxSamples => DecodingLimits.Default.MaxSequences;

    /// <summary>Samples to draw (1 to <see cref="MaxSamples"/>; default 50).</summary>
    public int Samples { get; set; } = 50;

    /// <summary>How outputs are compared (default <see cref="AnswerNormalization.Trimmed"/>); changing it regroups the last run.</summary>
    public AnswerNormalization Normalization { get; set; } = AnswerNormalization.Trimmed;

    /// <summary>The variant to sample; null: the cell's first sampling variant.</summary>
    public string? Variant { get; set; }

    /// <summary>The last run's samples (one sequence per sample), its seed and timing; null before the first run.</summary>
    public VariantRun? Run { get; private set; }

    /// <summary>Why the last run could not start or failed; null when fine.</summary>
    public string? Error => error ?? Run?.Error;

    string? error;

    /// <summary>The last finished run's answers grouped with <see cref="Normalization"/>; null while running, after a failure or before a run.</summary>
    public SampleDistribution? Distribution =>
        Run is { Running: false, Error: null, Cancelled: false, Sequences.Count: > 0 } run ? SampleDistribution.From(run, Normalization) : null;

    /// <summary>The cell's variants that sample (the only ones with a distribution), with their effective settings.</summary>
    public static IReadOnlyList<string> SamplingVariants(Notebook notebook, PromptCell cell) =>
        CellRunner.VariantsOf(cell).Where(v => CellRunner.Effective(notebook, v).Mode == DecodingMode.Sample).Select(v => v.Name).ToList();

    /// <summary>
    /// Samples <see cref="Variant"/> of the request's cell <see cref="Samples"/> times with the request's seed rule into
    /// <see cref="Run"/>. Errors (no such variant, not sampling, a model that cannot load) end up in <see cref="Error"/>.
    /// </summary>
    public async Task RunAsync(CellRunner runner, CellRunRequest request, Func<Task> render, CancellationToken cancellationToken)
    {
        error = null;
        var name = Variant ?? SamplingVariants(request.Notebook, request.Cell).FirstOrDefault();
        var column = Run = new VariantRun(name ?? "", "");
        if (name is null)
        {
            error = "no variant samples: add one with do_sample (e.g. the \"creative\" preset) to see a distribution";
            return;
        }
        if (Samples < 1 || Samples > MaxSamples)
        {
            error = $"samples (={Samples}) must be between 1 and {MaxSamples}";
            return;
        }
        column.Begin();
        PreparedCell cell;
        try
        {
            cell = await runner.PrepareAsync(request with { TopLogprobs = 0 }, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            column.ShowCancelled();
            return;
        }
        catch (Exception e) when (e is Inference.ModelException or Tokenizers.TokenizerException or ArgumentException)
        {
            column.ShowError(e.Message);
            return;
        }
        int index = cell.Variants.ToList().FindIndex(v => v.Name == name);
        if (index < 0 || cell.Variants[index].Settings.Mode != DecodingMode.Sample)
        {
            column.ShowError(index < 0 ? $"the cell has no variant '{name}'" : $"variant '{name}' does not sample (do_sample is off): its output does not vary");
            return;
        }
        cell = WithSamples(cell, index, Samples);
        column.Summary = cell.Variants[index].Settings.Summary();
        await runner.RunVariantAsync(cell, index, column, render, cancellationToken);
    }

    /// <summary><paramref name="cell"/> with variant <paramref name="index"/> asking for <paramref name="samples"/> sequences.</summary>
    public static PreparedCell WithSamples(PreparedCell cell, int index, int samples) => cell with
    {
        Variants = cell.Variants.Select((v, i) => i == index ? v with { Settings = v.Settings with { NumReturnSequences = samples } } : v).ToList(),
    };
}
