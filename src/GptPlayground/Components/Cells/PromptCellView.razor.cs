using GptPlayground.Components.Decoding;
using GptPlayground.Components.Tokens;
using GptPlayground.Inference;
using GptPlayground.Inference.Decoding;
using GptPlayground.Notebooks;
using GptPlayground.Tokenizers;
using GptPlayground.Web;
using Microsoft.AspNetCore.Components;

namespace GptPlayground.Components.Cells;

/// <summary>
/// Edits and runs one prompt cell. The prompt preview (exact text, token count, context bar) follows every edit.
/// <b>Run cell</b> runs every decoding variant of the cell (the notebook's default settings under each variant's own)
/// through the session's fair queue; the columns stream side by side, each with its settings summary and tokens/s,
/// and the first place where outputs differ is marked. Errors stay inside their column. <b>Compare prompt styles</b>
/// runs the same input as zero-shot, few-shot and instruction prompts.
/// </summary>
public sealed partial class PromptCellView : IDisposable
{
    /// <summary>The seed used by the fixed-seed toggle when a variant sets none.</summary>
    public const ulong FixedSeed = 42;

    readonly Dictionary<string, VariantRun> runs = new(StringComparer.Ordinal);
    List<VariantRun>? styleRuns;
    CancellationTokenSource? cancel;
    string? editing;
    string preset = "balanced";
    int samples = 1;
    bool fixedSeed = true;
    bool tokenView;
    List<TokenDetail>? promptTokens;
    double? promptPerplexity;

    /// <summary>The notebook the cell belongs to (variables, default model and decoding settings).</summary>
    [Parameter, EditorRequired] public Notebook Notebook { get; set; } = default!;

    /// <summary>The cell, edited in place.</summary>
    [Parameter, EditorRequired] public PromptCell Cell { get; set; } = default!;

    /// <summary>Model names to choose from.</summary>
    [Parameter] public IReadOnlyList<string> Models { get; set; } = [];

    /// <summary>The model used when neither cell nor notebook names one.</summary>
    [Parameter] public string? FallbackModel { get; set; }

    /// <summary>Raised after every edit of the cell (the notebook has unsaved changes).</summary>
    [Parameter] public EventCallback Changed { get; set; }

    /// <summary>Raised when a run starts or ends (the notebook's Cancel button follows it).</summary>
    [Parameter] public EventCallback<bool> RunningChanged { get; set; }

    [Inject] GenerationRunner Runner { get; set; } = default!;
    [Inject] PromptTokens Tokens { get; set; } = default!;

    /// <summary>True while the cell runs.</summary>
    public bool Running => cancel is not null;

    string? NotebookModel => Notebook.Model ?? FallbackModel;

    /// <summary>The model this cell runs on.</summary>
    public string? Model => Cell.Model ?? NotebookModel;

    DecodingSettings? NotebookDecoding => Notebook.Decoding;

    string PromptText => preview?.Prompt?.Text ?? "";
    PromptPreviewResult? preview;
    string? PromptError { get; set; }
    PromptCount? Count => preview?.Count;

    /// <summary>The cell's variants; none means one "default" variant with the notebook's settings.</summary>
    IReadOnlyList<DecodingVariant> Variants => Cell.Variants.Count > 0 ? Cell.Variants : [new DecodingVariant("default", new DecodingSettings())];

    bool AddSpecialTokens => preview?.Prompt?.AddSpecialTokens ?? true;

    /// <summary>One column per variant, in order, reusing the run of a variant that is still there.</summary>
    IReadOnlyList<VariantRun> Columns
    {
        get
        {
            var list = new List<VariantRun>();
            foreach (var v in Variants)
            {
                if (!runs.TryGetValue(v.Name, out var run))
                {
                    runs[v.Name] = run = new VariantRun(v.Name, "");
                    if (Cell.Outputs.FirstOrDefault(o => o.Variant == v.Name) is { } saved) run.ShowSaved(saved);
                }
                var settings = Effective(v);
                run.Summary = settings.Summary();
                var validation = settings.Validate(Count?.ContextLength, Count?.Tokens);
                run.SettingsErrors = validation.Errors.Select(e => e.Message).ToList();
                run.SettingsWarnings = validation.Warnings.Select(e => e.Message).ToList();
                list.Add(run);
            }
            return list;
        }
    }

    /// <inheritdoc/>
    protected override void OnParametersSet() => RefreshPreview();

    void RefreshPreview()
    {
        preview = Tokens.Preview(Notebook, Cell, Model);
        PromptError = preview.Error;
    }

    /// <summary>A field of the cell changed: the preview follows, and the notebook hears of it.</summary>
    Task FieldsChanged()
    {
        RefreshPreview();
        return Changed.InvokeAsync();
    }

    async Task Edit(Action edit)
    {
        edit();
        RefreshPreview();
        await Changed.InvokeAsync();
    }

    /// <summary>The settings a variant runs with: notebook defaults, the variant's own, then samples (sampling variants) and the fixed seed.</summary>
    DecodingSettings Effective(DecodingVariant variant)
    {
        var s = DecodingSettings.Merge(NotebookDecoding, variant.Settings);
        // N samples only where they can differ: sampling variants (greedy would repeat itself; beams return their best)
        if (samples > 1 && s.Mode == DecodingMode.Sample && variant.Settings.NumReturnSequences is null) s = s with { NumReturnSequences = samples };
        if (s.Mode == DecodingMode.Sample && variant.Settings.Seed is null)
            s = s with { Seed = fixedSeed ? s.Seed ?? FixedSeed : null };
        return s;
    }

    Task RunClickedAsync() => RunAsync(CancellationToken.None);

    /// <summary>Runs every variant (concurrently: they wait their turns in the model's queue). Does nothing while running.</summary>
    /// <param name="cancellationToken">Cancels the run (e.g. the notebook's Cancel).</param>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Running) return;
        RefreshPreview();
        using var run = cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await RunningChanged.InvokeAsync(true);
        try
        {
            var columns = Columns;
            if (PromptError is not null || Model is null)
            {
                foreach (var c in columns) c.ShowError(PromptError ?? "no model: choose one for the notebook or the cell (models/ has none?)");
                return;
            }
            var tasks = Variants.Select((v, i) => columns[i].RunAsync(Runner, new RunRequest(Model, PromptText, Effective(v), AddSpecialTokens: AddSpecialTokens), Render, run.Token)).ToList();
            StateHasChanged();
            await Task.WhenAll(tasks);
            Cell.Outputs = columns.Select(c => c.ToOutput()).OfType<CellOutput>().ToList();
        }
        finally
        {
            cancel = null;
            await RunningChanged.InvokeAsync(false);
            StateHasChanged();
        }
    }

    Task Render() => InvokeAsync(StateHasChanged);

    /// <summary>Stops the running generations within one token.</summary>
    public void Cancel() => cancel?.Cancel();

    async Task CompareStylesAsync()
    {
        if (Running || Model is null) return;
        var settings = Effective(Variants[0]);
        var styles = CellPrompts.Styles(Cell);
        styleRuns = styles.Select(s => new VariantRun(s.Style, settings.Summary())).ToList();
        using var run = cancel = new CancellationTokenSource();
        await RunningChanged.InvokeAsync(true);
        try
        {
            var tasks = styles.Select((s, i) =>
            {
                var rendered = Tokens.Preview(Notebook, s.Cell, Model);
                if (rendered.Prompt is null) { styleRuns[i].ShowError(rendered.Error ?? "cannot render"); return Task.CompletedTask; }
                return styleRuns[i].RunAsync(Runner, new RunRequest(Model, rendered.Prompt.Text, settings, AddSpecialTokens: rendered.Prompt.AddSpecialTokens), Render, run.Token);
            }).ToList();
            StateHasChanged();
            await Task.WhenAll(tasks);
        }
        finally
        {
            cancel = null;
            await RunningChanged.InvokeAsync(false);
        }
    }

    async Task ScorePromptAsync()
    {
        if (Running || Model is null || PromptError is not null) return;
        using var run = cancel = new CancellationTokenSource();
        try
        {
            var score = await Runner.ScoreAsync(Model, PromptText, AddSpecialTokens, topLogprobs: 5, run.Token);
            promptTokens = score.Tokens.Select(TokenDetail.FromScore).ToList();
            promptPerplexity = score.Perplexity;
        }
        catch (OperationCanceledException) { }
        catch (Exception e) when (e is ModelException or TokenizerException or ArgumentException)
        {
            PromptError = e.Message;
        }
        finally
        {
            cancel = null;
        }
    }

    async Task AddVariantAsync()
    {
        var chosen = DecodingPresets.Get(preset);
        if (Cell.Variants.Count == 0) Cell.Variants.Add(new DecodingVariant("default", new DecodingSettings()));
        var name = DecodingPresets.UniqueName(chosen.Name, Cell.Variants.Select(v => v.Name));
        Cell.Variants.Add(new DecodingVariant(name, chosen.Settings));
        if (chosen.Name == "custom") editing = name;
        await Changed.InvokeAsync();
    }

    async Task RemoveVariantAsync(string name)
    {
        Cell.Variants.RemoveAll(v => v.Name == name);
        runs.Remove(name);
        if (editing == name) editing = null;
        await Changed.InvokeAsync();
    }

    void EditVariant(string name)
    {
        if (Cell.Variants.Count == 0) Cell.Variants.Add(new DecodingVariant("default", new DecodingSettings()));
        editing = editing == name ? null : name;
    }

    string? renameError;

    /// <summary>Renames a variant, carrying its column and saved outputs along; refuses an empty or taken name.</summary>
    async Task RenameVariant(DecodingVariant variant, string? name)
    {
        name = name?.Trim() ?? "";
        renameError = null;
        if (name == variant.Name) return;
        if (name.Length == 0) { renameError = "A variant needs a name."; return; }
        if (Cell.Variants.Any(v => v.Name == name)) { renameError = $"'{name}' is already a variant of this cell: choose another name."; return; }
        int i = Cell.Variants.IndexOf(variant);
        if (i < 0) return;
        Cell.Variants[i] = variant with { Name = name };
        for (int o = 0; o < Cell.Outputs.Count; o++)
            if (Cell.Outputs[o].Variant == variant.Name) Cell.Outputs[o] = Cell.Outputs[o] with { Variant = name };
        if (runs.Remove(variant.Name, out var run)) { run.Name = name; runs[name] = run; }
        editing = name;
        await Changed.InvokeAsync();
    }

    async Task ReplaceVariant(DecodingVariant variant, DecodingSettings settings)
    {
        int i = Cell.Variants.IndexOf(variant);
        if (i >= 0) Cell.Variants[i] = variant with { Settings = settings };
        await Changed.InvokeAsync();
    }

    /// <summary>Leaving the page cancels the cell's generations.</summary>
    public void Dispose() => cancel?.Cancel();
}
