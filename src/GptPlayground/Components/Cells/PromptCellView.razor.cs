using GptPlayground.Components.Decoding;
using GptPlayground.Components.Rendering;
using GptPlayground.Inference;
using GptPlayground.Decoding;
using GptPlayground.Evaluation;
using GptPlayground.Notebooks;
using GptPlayground.Services;
using GptPlayground.Tokenizers;
using Microsoft.AspNetCore.Components;

namespace GptPlayground.Components.Cells;

/// <summary>
/// Edits one prompt cell and shows its runs: the editor on the left and the outputs on the right on a wide screen,
/// stacked on a narrow one. The prompt preview (exact text, token count, context bar) follows every edit.
/// <b>Run cell</b> hands the cell to the <see cref="CellRunner"/>, which runs every decoding variant (the notebook's
/// default settings under each variant's own) through the session's fair queue; the columns are views of its
/// <see cref="VariantRun"/>s and stream side by side, each with its settings summary and tokens/s,
/// and the first place where each output differs from the reference column is marked. Errors stay inside their column;
/// a column warns only about the settings its own variant sets (inherited notebook defaults that its mode ignores are no
/// news). <b>Compare prompt styles</b> runs the same input as zero-shot, few-shot and instruction prompts, each column
/// with its exact prompt. A dataset cell runs every row x variant instead, and compares the styles over its rows
/// (<see cref="DatasetRunState"/>, shown by the <see cref="Evaluation.DatasetPanel"/>). <b>Score prompt</b> colours the prompt's tokens by surprisal, marked stale once the prompt changes.
/// </summary>
public sealed partial class PromptCellView : IDisposable
{
    /// <summary>The seed used by the fixed-seed toggle when a variant sets none.</summary>
    public const ulong FixedSeed = CellRunner.FixedSeed;

    CellRunState? subscribed;
    string? editing;
    string preset = "balanced";
    bool tokenView;
    List<TokenDetail>? promptTokens;
    double? promptPerplexity;
    string? scoredPrompt;

    /// <summary>The notebook the cell belongs to (variables, default model and decoding settings).</summary>
    [Parameter, EditorRequired] public Notebook Notebook { get; set; } = default!;

    /// <summary>The cell, edited in place.</summary>
    [Parameter, EditorRequired] public PromptCell Cell { get; set; } = default!;

    /// <summary>The cell's run state (the notebook editor keeps one per cell, so that Run all can run it); a new one when not given.</summary>
    [Parameter] public CellRunState State { get; set; } = new();

    /// <summary>The cell's dataset evaluation (results matrix, style comparison); a new one when not given.</summary>
    [Parameter] public DatasetRunState Dataset { get; set; } = new();

    /// <summary>Model names to choose from.</summary>
    [Parameter] public IReadOnlyList<string> Models { get; set; } = [];

    /// <summary>The model used when neither cell nor notebook names one.</summary>
    [Parameter] public string? FallbackModel { get; set; }

    /// <summary>The notebook file's folder (a dataset file is read from it); null when the notebook has no file.</summary>
    [Parameter] public string? NotebookDirectory { get; set; }

    /// <summary>Raised after every edit of the cell (the notebook has unsaved changes).</summary>
    [Parameter] public EventCallback Changed { get; set; }

    /// <summary>Raised when a run starts or ends (the notebook's Cancel button follows it).</summary>
    [Parameter] public EventCallback<bool> RunningChanged { get; set; }

    [Inject] CellRunner Runner { get; set; } = default!;
    [Inject] GenerationRunner Generation { get; set; } = default!;
    [Inject] PromptTokens Tokens { get; set; } = default!;
    [Inject] DatasetEvaluator Evaluator { get; set; } = default!;

    /// <summary>True while the cell runs.</summary>
    public bool Running => State.Running;

    string? NotebookModel => Notebook.Model ?? FallbackModel;

    /// <summary>The model this cell runs on.</summary>
    public string? Model => CellRunner.ModelOf(Notebook, Cell, FallbackModel);

    DecodingSettings? NotebookDecoding => Notebook.Decoding;

    string PromptText => preview?.Prompt?.Text ?? "";
    PromptPreviewResult? preview;
    string? PromptError { get; set; }
    PromptCount? Count => preview?.Count;

    /// <summary>The cell's variants; none means one "default" variant with the notebook's settings.</summary>
    IReadOnlyList<DecodingVariant> Variants => CellRunner.VariantsOf(Cell);

    bool AddSpecialTokens => preview?.Prompt?.AddSpecialTokens ?? true;

    /// <summary>The prompt changed since it was scored: the surprisal view shows an older prompt.</summary>
    public bool ScoreStale => promptTokens is not null && scoredPrompt != PromptText;

    /// <summary>The state's columns, each with the summary and validation of the settings it would run with.</summary>
    IReadOnlyList<VariantRun> Columns
    {
        get
        {
            var columns = State.Columns(Cell);
            for (int i = 0; i < columns.Count; i++)
            {
                var settings = Effective(Variants[i]);
                var validation = settings.Validate(Count?.ContextLength, Count?.Tokens);
                columns[i].Summary = settings.Summary();
                columns[i].SettingsErrors = validation.Errors.Select(e => e.Message).ToList();
                var own = Variants[i].Settings;
                columns[i].SettingsWarnings = validation.Warnings.Where(w => SetsOnVariant(own, w.Parameter)).Select(e => e.Message).ToList();
            }
            return columns;
        }
    }

    /// <summary>What the output columns show that a field edit can change (each column's settings summary, errors and warnings: a longer prompt may not fit the context any more).</summary>
    static string ColumnsKey(IReadOnlyList<VariantRun> columns) => string.Join('\u0001', columns.Select(c =>
        string.Join('\u0002', [c.Summary, .. c.SettingsErrors, "", .. c.SettingsWarnings])));

    /// <summary>
    /// Counts the cell's renders that may change any part of it. Every part but the prompt preview sits behind a
    /// <see cref="RenderGate"/> whose version includes it: a keystroke in the cell's fields (<see cref="FieldsChanged"/>)
    /// renders the cell without counting, so only the preview and the parts whose own version follows the prompt (the
    /// stale mark of a scored prompt, the columns' settings checks) are drawn again; the fields show their own text. A
    /// prompt cell in full is some 100 MudBlazor components, and re-rendering them all on each keystroke doubled the
    /// typing-to-preview time of a short notebook (docs/performance.md). Any other render counts: the cell's buttons and
    /// menus, a run's tokens arriving, the notebook re-rendering the cell.
    /// </summary>
    readonly GateVersion partsVersion = new();

    /// <inheritdoc/>
    protected override bool ShouldRender() => partsVersion.OnShouldRender();

    /// <inheritdoc/>
    protected override void OnAfterRender(bool firstRender) => partsVersion.OnAfterRender();

    /// <summary>The fields' callback: quiet (<see cref="QuietCallback"/>), so the edit renders the cell through <see cref="FieldsChanged"/> only.</summary>
    EventCallback fieldsChanged => fieldsChangedCallback ??= QuietCallback.Of(FieldsChanged);
    EventCallback? fieldsChangedCallback;

    /// <summary>True when the variant's own settings set <paramref name="parameter"/> (a warning about it is the user's business).</summary>
    static bool SetsOnVariant(DecodingSettings variant, string parameter) =>
        DecodingSetting.All.FirstOrDefault(d => d.Name == parameter)?.GetValue(variant) is not null;

    /// <inheritdoc/>
    protected override void OnParametersSet()
    {
        partsVersion.Bump();                                       // the notebook drew the cell again: anything may have changed
        if (!ReferenceEquals(subscribed, State))
        {
            Unsubscribe();
            subscribed = State;
            State.Changed += Render;
            State.RunningChanged += OnRunningChanged;
        }
        RefreshPreview();
    }

    void Unsubscribe()
    {
        if (subscribed is null) return;
        subscribed.Changed -= Render;
        subscribed.RunningChanged -= OnRunningChanged;
    }

    /// <summary>A run started or ended: the cell shows it (its buttons, the columns' last state), and the notebook hears of it.</summary>
    Task OnRunningChanged(bool running) => InvokeAsync(() =>
    {
        partsVersion.Bump();
        StateHasChanged();
        return RunningChanged.InvokeAsync(running);
    });

    void RefreshPreview()
    {
        preview = Tokens.Preview(Notebook, Cell, Model);
        PromptError = preview.Error;
    }

    /// <summary>A field of the cell changed: the preview follows (and what else follows the prompt; not the fields
    /// themselves), and the notebook hears of it.</summary>
    Task FieldsChanged()
    {
        RefreshPreview();
        partsVersion.SkipNext();
        StateHasChanged();
        return Changed.InvokeAsync();
    }

    async Task Edit(Action edit)
    {
        edit();
        RefreshPreview();
        await Changed.InvokeAsync();
    }

    /// <summary>The settings a variant runs with (the runner's one rule, with the state's samples and seed options).</summary>
    DecodingSettings Effective(DecodingVariant variant) => State.Request(Notebook, Cell, Model ?? "").Effective(variant);

    Task RunClickedAsync() => RunAsync(CancellationToken.None);

    /// <summary>Runs every variant through the cell runner, or a dataset cell's every row x variant through the dataset
    /// evaluator (the same call Run all makes). Does nothing while running.</summary>
    /// <param name="cancellationToken">Cancels the run (e.g. the notebook's Cancel).</param>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        RefreshPreview();
        _ = Columns;                                         // the columns' summaries follow the current settings
        return Dataset.RunCellAsync(Evaluator, Runner, State, Notebook, Cell, Model, cancellationToken);
    }

    Task Render() => InvokeAsync(() =>
    {
        partsVersion.Bump();
        StateHasChanged();
    });

    /// <summary>Stops the running generations within one token.</summary>
    public void Cancel() => State.Cancel();

    Task CompareStylesAsync()
    {
        if (DatasetEvaluator.Evaluates(Cell)) return Dataset.CompareStylesAsync(Evaluator, State, Notebook, Cell, Model, CancellationToken.None);
        if (Running || Model is not { } model) return Task.CompletedTask;
        var first = Variants[0];
        var summary = Effective(first).Summary();
        var styles = PromptStyles.Styles(Cell);
        State.StyleRuns = styles.Select(s =>
        {
            var shown = Tokens.Preview(Notebook, s.Cell, model);
            return new VariantRun(s.Style, summary) { Prompt = shown.Prompt?.Text ?? $"(cannot render: {shown.Error})", Note = s.Note };
        }).ToList();
        return State.WhileRunning(CancellationToken.None, async token =>
        {
            var tasks = styles.Select((s, i) =>
            {
                s.Cell.Variants = [first];                   // every style runs with the settings of the cell's first variant
                return Runner.RunAsync(State.Request(Notebook, s.Cell, model), [State.StyleRuns[i]], State.StreamingRender, token);
            }).ToList();
            StateHasChanged();
            await Task.WhenAll(tasks);
        });
    }

    Task ScorePromptAsync()
    {
        if (Running || Model is not { } model || PromptError is not null) return Task.CompletedTask;
        var text = PromptText;
        return State.WhileRunning(CancellationToken.None, async token =>
        {
            try
            {
                var score = await Generation.ScoreAsync(model, text, AddSpecialTokens, topLogprobs: 5, token);
                scoredPrompt = text;
                promptTokens = score.Tokens.Select(TokenDetail.FromScore).ToList();
                promptPerplexity = score.Perplexity;
            }
            catch (OperationCanceledException) { }
            catch (Exception e) when (e is ModelException or TokenizerException or ArgumentException)
            {
                PromptError = e.Message;
            }
        });
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
        State.Remove(name);
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
        State.Rename(variant.Name, name);
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
    public void Dispose()
    {
        Unsubscribe();
        State.Cancel();
    }
}
