using GptPlayground.Inference;
using GptPlayground.Decoding;
using GptPlayground.Inference.Models;
using GptPlayground.Notebooks;
using GptPlayground.Notebooks.Templates;
using GptPlayground.Tokenizers;

namespace GptPlayground.Services;

/// <summary>What to run: a prompt cell of a notebook on a model, with the run's own options.</summary>
/// <param name="Notebook">The notebook (variables, default model, chat format, default decoding settings).</param>
/// <param name="Cell">The prompt cell.</param>
/// <param name="Model">The model to run on (see <see cref="CellRunner.ModelOf"/>).</param>
public sealed record CellRunRequest(Notebook Notebook, PromptCell Cell, string Model)
{
    /// <summary>Sequences per sampling variant that sets no num_return_sequences (the UI's "samples"; default 1).</summary>
    public int Samples { get; init; } = 1;

    /// <summary>The seed of sampling variants whose settings (and the notebook's) name none; null draws a fresh one per run.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Sampling variants without a seed of their own draw a fresh one even when the notebook sets one (the UI's fixed-seed toggle off).</summary>
    public bool FreshSeed { get; init; }

    /// <summary>Alternatives per token for the token view (0 to 20; default 5).</summary>
    public int TopLogprobs { get; init; } = 5;

    /// <summary>A dataset row's values (<see cref="DatasetTable.Variables"/>), which fill the cell's <c>{{variables}}</c> over the cell's and the notebook's; null for none.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Row { get; init; }

    /// <summary>Where each variant's run is recorded (<see cref="RunRecords"/>, beside the notebook); null records nothing.</summary>
    public RecordTarget? Record { get; init; }

    /// <summary>The settings <paramref name="variant"/> runs with in this request (<see cref="CellRunner.Effective"/>).</summary>
    public DecodingSettings Effective(DecodingVariant variant) => CellRunner.Effective(Notebook, variant, Samples, Seed, FreshSeed);
}

/// <summary>A cell ready to run: its prompt rendered once, with the model's tokenizer, and its variants' effective settings.</summary>
/// <param name="Request">What was asked.</param>
/// <param name="Prompt">The rendered prompt (text, token ids, format, notes).</param>
/// <param name="PromptIds">The prompt's token ids, as every variant runs them.</param>
/// <param name="Variants">Each variant with its effective settings (<see cref="CellRunner.Effective"/>).</param>
/// <param name="ModelName">The model's folder name.</param>
public sealed record PreparedCell(CellRunRequest Request, RenderedPrompt Prompt, int[] PromptIds, IReadOnlyList<DecodingVariant> Variants, string ModelName);

/// <summary>The cell's prompt is empty (no text, or no tokens after tokenization): there is nothing to continue.</summary>
public sealed class EmptyPromptException() : ArgumentException("the prompt is empty: write something for the model to continue");

/// <summary>
/// Runs a prompt cell: the one service behind the UI's Run cell and Run all, the <c>run</c> verb and the Models page's
/// try box. It renders the prompt once (text and token ids, with the model's own tokenizer), computes each variant's
/// effective settings once (<see cref="Effective"/>), streams every variant through the <see cref="GenerationRunner"/>
/// (the model's fair queue) into a <see cref="VariantRun"/>, and builds the cell's <see cref="CellOutput"/>s with one
/// rule (<see cref="VariantRun.ToOutput"/>). Components show the <see cref="VariantRun"/>s; they do not run anything.
/// </summary>
/// <remarks>With <see cref="RunRecords"/> (and a <see cref="CellRunRequest.Record"/> target), each variant's finished run
/// leaves a <see cref="RunRecord"/> beside the notebook.</remarks>
public sealed class CellRunner(GenerationRunner generation, ModelCatalog catalog, RunRecords? records = null)
{
    /// <summary>Where runs are recorded; null: nowhere.</summary>
    public RunRecords? Records => records;

    /// <summary>The seed the UI's fixed-seed toggle gives sampling variants that set none.</summary>
    public const ulong FixedSeed = 42;

    /// <summary>The model a cell runs on: its own, else the notebook's, else <paramref name="fallback"/>; null when none.</summary>
    public static string? ModelOf(Notebook notebook, PromptCell cell, string? fallback) => PromptRenderer.ModelOf(notebook, cell) ?? fallback;

    /// <summary>The cell's variants; none means one "default" variant with the notebook's settings.</summary>
    public static IReadOnlyList<DecodingVariant> VariantsOf(PromptCell cell) =>
        cell.Variants.Count > 0 ? cell.Variants : [new DecodingVariant("default", new DecodingSettings())];

    /// <summary>
    /// The settings a variant runs with: the notebook's defaults under the variant's own; then, for sampling variants,
    /// <paramref name="samples"/> sequences unless the variant sets num_return_sequences (greedy would repeat itself and
    /// beams return their best), and, unless the variant sets a seed, the notebook's seed else <paramref name="seed"/>
    /// (neither with <paramref name="fresh"/>: a fresh seed per run).
    /// </summary>
    public static DecodingSettings Effective(Notebook notebook, DecodingVariant variant, int samples = 1, ulong? seed = null, bool fresh = false)
    {
        var s = DecodingSettings.Merge(notebook.Decoding, variant.Settings);
        if (samples > 1 && s.Mode == DecodingMode.Sample && variant.Settings.NumReturnSequences is null) s = s with { NumReturnSequences = samples };
        if (s.Mode == DecodingMode.Sample && variant.Settings.Seed is null)
            s = s with { Seed = fresh ? null : s.Seed ?? seed };
        return s;
    }

    /// <summary>
    /// Renders the cell's prompt once with the model's tokenizer and computes every variant's effective settings.
    /// </summary>
    /// <exception cref="ModelException">The model is unknown, cannot load, or has no tokenizer (a remote model needs none).</exception>
    /// <exception cref="ArgumentException">The prompt cannot be rendered.</exception>
    /// <exception cref="EmptyPromptException">The prompt is empty, or empty after tokenization.</exception>
    public async Task<PreparedCell> PrepareAsync(CellRunRequest request, CancellationToken cancellationToken = default)
    {
        var key = catalog.Resolve(request.Model);
        if (catalog.Remote(key) is { } remote) return PrepareRemote(request, key, remote);
        using var lease = catalog.Lease(key);                // not unloaded while its tokenizer is in use
        var model = await catalog.GetAsync(key);
        cancellationToken.ThrowIfCancellationRequested();
        var tokenizer = model.Tokenizer ?? throw new ModelException($"{model.Folder.Name}: {model.TokenizerError ?? "no tokenizer"}");
        var rendered = PromptRenderer.Render(request.Notebook, request.Cell, ModelPromptInfo.From(model.Files), tokenizer, request.Row);
        if (rendered.Text.Length == 0 || rendered.TokenIds is not { Length: > 0 } ids)
            throw new EmptyPromptException();
        var variants = VariantsOf(request.Cell)
            .Select(v => v with { Settings = request.Effective(v) })
            .ToList();
        return new PreparedCell(request, rendered, ids, variants, model.Folder.Name);
    }

    /// <summary>
    /// A cell on a remote model: the prompt is rendered with what its folder holds (a tokenizer and chat template when
    /// there are copies of the server's, for token counts; else text only), and the text goes to the server.
    /// </summary>
    PreparedCell PrepareRemote(CellRunRequest request, string key, RemoteModel remote)
    {
        var view = catalog.PromptView(key);
        var rendered = PromptRenderer.Render(request.Notebook, request.Cell, view.Files is { } files ? ModelPromptInfo.From(files) : null, view.Tokenizer, request.Row);
        if (rendered.Text.Length == 0) throw new EmptyPromptException();
        var variants = VariantsOf(request.Cell).Select(v => v with { Settings = request.Effective(v) }).ToList();
        return new PreparedCell(request, rendered, rendered.TokenIds ?? [], variants, remote.Name);
    }

    /// <summary>
    /// Runs one prepared variant into <paramref name="column"/>; errors end up in the column, never thrown. A finished run
    /// is recorded when the request names a <see cref="CellRunRequest.Record"/> target and records are on (a record that
    /// cannot be written is logged, never the run's error).
    /// </summary>
    public async Task RunVariantAsync(PreparedCell cell, int variant, VariantRun column, Func<Task> render, CancellationToken cancellationToken)
    {
        await column.RunAsync(generation,
            new RunRequest(cell.Request.Model, cell.PromptIds, cell.Variants[variant].Settings, cell.Request.TopLogprobs)
            {
                Text = new PromptText(cell.Prompt.Text, cell.Prompt.Messages),
            },
            render, cancellationToken);
        if (records is not null && cell.Request.Record is { } target)
            column.RecordProblem = await records.RecordCellAsync(target, cell, variant, column);
    }

    /// <summary>
    /// Runs every variant of the cell into its column (<paramref name="columns"/>, one per <see cref="VariantsOf"/>, in
    /// order), concurrently: they wait their turns in the model's queue. A cell that cannot be prepared shows the reason
    /// in every column. Afterwards the cell's outputs are the columns' <see cref="VariantRun.ToOutput"/>.
    /// </summary>
    public async Task RunAsync(CellRunRequest request, IReadOnlyList<VariantRun> columns, Func<Task> render, CancellationToken cancellationToken)
    {
        foreach (var column in columns) column.Begin();
        PreparedCell cell;
        try
        {
            cell = await PrepareAsync(request, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            foreach (var column in columns) column.ShowCancelled();
            return;
        }
        catch (Exception e) when (e is ModelException or TokenizerException or ArgumentException)
        {
            foreach (var column in columns) column.ShowError(e.Message);
            return;
        }
        await Task.WhenAll(columns.Select((column, i) => RunVariantAsync(cell, i, column, render, cancellationToken)));
        KeepOutputs(request.Cell, columns);
    }

    /// <summary>The cell's outputs become its columns' (<see cref="VariantRun.ToOutput"/>, in variant order).</summary>
    public static void KeepOutputs(PromptCell cell, IEnumerable<VariantRun> columns) =>
        cell.Outputs = columns.Select(c => c.ToOutput()).OfType<CellOutput>().ToList();
}
