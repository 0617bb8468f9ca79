using GptPlayground.Components.Cells;
using GptPlayground.Components.Rendering;
using GptPlayground.Evaluation;
using GptPlayground.Inference.Models;
using GptPlayground.Notebooks;
using GptPlayground.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.JSInterop;
using MudBlazor;

namespace GptPlayground.Components.Notebooks;

/// <summary>
/// Edits one notebook of prompts/: its title, model and default decoding settings, and its cells (add each kind at the
/// end or below a cell, move, duplicate, delete with Undo in a snackbar, edit, run). <b>Save</b> (or Ctrl/Cmd+S) writes
/// the file in the notebook format; when the file changed on disk since it was opened, nothing is overwritten and the
/// message says where this version went (at the top and in a snackbar, so that it is seen wherever the page is scrolled).
/// Unsaved changes are protected: closing or reloading the tab asks first (<see cref="NavigationLock"/>), and so does
/// leaving for another page of the app; and a draft is autosaved in the browser's localStorage a second after each edit,
/// offered back when the notebook is opened again without having been saved (a crash, a lost connection).
/// </summary>
public sealed partial class NotebookEditor : IDisposable
{
    readonly Dictionary<Cell, CellRunState> cellRuns = new(ReferenceEqualityComparer.Instance);
    readonly Dictionary<Cell, DatasetRunState> datasetRuns = new(ReferenceEqualityComparer.Instance);
    Notebook? notebook;
    NotebookVersion? version;
    string? loadError;
    IReadOnlyList<string> models = [];
    string? fallbackModel;
    string newKind = "zero-shot";
    bool saving, saveFailed, running;
    string? saveMessage;
    CancellationTokenSource? runAll;
    Timer? draftTimer;
    string? draft;

    /// <summary>Prefix of the localStorage key of a notebook's draft (the name follows).</summary>
    public const string DraftKeyPrefix = "gptplayground-draft:";

    string DraftKey => DraftKeyPrefix + Name;

    /// <summary>The notebook's name in prompts/ ("sentiment.md").</summary>
    [Parameter, EditorRequired] public string Name { get; set; } = "";

    /// <summary>The notebook file's folder, where its cells' dataset files are read from.</summary>
    string? NotebookDirectory => Path.GetDirectoryName(Path.Combine(Storage.Root, Name));

    /// <summary>Save the cells' last outputs with the notebook (the share view shows them). On when the file had outputs.</summary>
    bool keepOutputs;

    [Inject] NotebookStorage Storage { get; set; } = default!;
    [Inject] ModelCatalog Catalog { get; set; } = default!;
    [Inject] CellRunner Runner { get; set; } = default!;
    [Inject] DatasetEvaluator Evaluator { get; set; } = default!;
    [Inject] IJSRuntime JS { get; set; } = default!;
    [Inject] ISnackbar Snackbar { get; set; } = default!;
    [Inject] IDialogService Dialogs { get; set; } = default!;

    /// <summary>The kinds of cell "Add cell" and "Insert cell below" make, with their labels.</summary>
    static readonly (string Kind, string Label)[] CellKinds =
        [("zero-shot", "Zero-shot"), ("few-shot", "Few-shot"), ("instruction", "Instruction"), ("markdown", "Markdown")];

    /// <summary>True when there are edits that are not saved.</summary>
    public bool Dirty { get; private set; }

    string SaveState => Dirty ? "unsaved changes" : version is null ? "" : "saved";

    /// <inheritdoc/>
    protected override async Task OnParametersSetAsync()
    {
        if (notebook is not null && version is not null) return;
        // one hop off the circuit's thread for the file and the models folder, so the cells appear with their model list
        var (loaded, error, usable, fallback) = await Task.Run(() =>
        {
            var entries = Catalog.List();
            var names = entries.Where(e => e.IsOk).Select(e => e.Name).ToList();
            var preferred = Catalog.DefaultModel();
            try { return (Storage.Open(Name), (string?)null, names, preferred); }
            catch (Exception e) when (e is NotebookStorageException or NotebookFormatException or IOException or UnauthorizedAccessException)
            {
                return ((LoadedNotebook?)null, $"Cannot open {Name}: {e.Message}", names, preferred);
            }
        });
        models = usable;
        fallbackModel = fallback;
        loadError = error;
        notebook = loaded?.Notebook;
        ShowFirstCells();
        version = loaded?.Version;
        keepOutputs = notebook?.PromptCells.Any(c => c.Outputs.Count > 0) ?? false;
    }

    static string KindName(Cell cell) => CellSyntax.Name(cell);

    void MarkDirty()
    {
        Dirty = true;
        ScheduleDraft();
    }

    /// <summary>
    /// A cell's own edit (a keystroke in its fields, a variant added...): the cell has re-rendered itself, so the editor
    /// re-renders only when its save state changes (the first edit), not on every keystroke, which would re-diff every
    /// cell (on the 82-cell example notebook that made typing-to-preview take 300-500 ms; docs/performance.md).
    /// </summary>
    void CellEdited()
    {
        bool wasDirty = Dirty;
        MarkDirty();
        if (!wasDirty) RenderCellsUnchanged();
    }

    /// <summary><see cref="CellEdited"/> as the cells' Changed callback: with no receiver, invoking it renders nothing by itself.</summary>
    EventCallback CellChanged => cellChanged ??= QuietCallback.Of(CellEdited);
    EventCallback? cellChanged;

    void Edit(Action edit)
    {
        edit();
        MarkDirty();
    }

    /// <summary>Cells drawn in full when a notebook opens (the server-rendered page included): a first screen's worth.</summary>
    public const int FullAtStart = 4;

    /// <summary>
    /// The cells drawn in full (their editors, runs and outputs); the others are drawn as a <see cref="LightCell"/> (their
    /// text, read-only) until they come near the viewport or are clicked or focused (js/light-cells.js asks through
    /// <see cref="ShowCells"/>). A cell once drawn in full stays so, and so does a cell added, inserted or duplicated.
    /// A prompt cell in full is some 60 MudBlazor components: building all 82 cells of the example notebook before the
    /// first keystroke is answered took 5-10 s on the 2-core machine (docs/performance.md). Run all and saving work on the
    /// notebook, not on what is drawn.
    /// </summary>
    readonly HashSet<Cell> fullCells = new(ReferenceEqualityComparer.Instance);

    ElementReference editorElement;
    DotNetObjectReference<NotebookEditor>? self;

    /// <summary>Draws the cells at <paramref name="indexes"/> in full (the browser saw them come near the viewport, or focused one); indexes out of range are ignored.</summary>
    [JSInvokable]
    public void ShowCells(int[] indexes)
    {
        if (notebook is null) return;
        bool added = false;
        foreach (int i in indexes)
            if (i >= 0 && i < notebook.Cells.Count) added |= fullCells.Add(notebook.Cells[i]);
        if (added) RenderCellsUnchanged();
    }

    /// <summary>
    /// Counts the editor's renders that may change what a cell shows (a notebook setting, a cell moved, added or deleted,
    /// a draft restored, a save): each cell sits behind a <see cref="RenderGate"/> whose version includes it, so the
    /// renders that change only the editor's own state (the save state, a cell drawn in full, the Run all/Cancel buttons)
    /// leave the cells alone (<see cref="RenderCellsUnchanged"/>).
    /// </summary>
    readonly GateVersion cellsVersion = new();

    /// <summary>Renders the editor without re-rendering the cells that did not change.</summary>
    void RenderCellsUnchanged()
    {
        cellsVersion.SkipNext();
        StateHasChanged();
    }

    /// <inheritdoc/>
    protected override bool ShouldRender() => cellsVersion.OnShouldRender();

    void ShowFirstCells()
    {
        fullCells.Clear();
        if (notebook is not null) fullCells.UnionWith(notebook.Cells.Take(FullAtStart));
    }

    /// <inheritdoc/>
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        cellsVersion.OnAfterRender();
        if (firstRender)   // after renders only run in the live circuit
        {
            self = DotNetObjectReference.Create(this);
            try { await JS.InvokeVoidAsync("gptPlayground.lightCells.watch", editorElement, self); }
            catch (Exception e) when (e is JSException or JSDisconnectedException or TaskCanceledException) { }
        }
        if (notebook is null || draft is not null || checkedDraft) return;
        checkedDraft = true;
        try
        {
            var stored = await JS.InvokeAsync<string?>("localStorage.getItem", DraftKey);
            if (stored is not null && stored != NotebookFormat.Write(notebook, keepOutputs: false))
            {
                draft = stored;
                StateHasChanged();
            }
        }
        catch (Exception e) when (e is JSException or InvalidOperationException or NotebookFormatException) { }   // prerendering, or no storage
    }

    bool checkedDraft;

    /// <summary>Writes the draft one second after the last edit.</summary>
    void ScheduleDraft()
    {
        draftTimer ??= new Timer(_ =>
        {
            try { _ = InvokeAsync(WriteDraftAsync); }
            catch (ObjectDisposedException) { }      // the circuit went away meanwhile
        });
        draftTimer.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
    }

    async Task WriteDraftAsync()
    {
        if (notebook is null || !Dirty) return;
        try { await JS.InvokeVoidAsync("localStorage.setItem", DraftKey, NotebookFormat.Write(notebook, keepOutputs: false)); }
        catch (Exception e) when (e is JSException or InvalidOperationException or NotebookFormatException or TaskCanceledException) { }
    }

    async Task ClearDraftAsync()
    {
        draftTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        try { await JS.InvokeVoidAsync("localStorage.removeItem", DraftKey); }
        catch (Exception e) when (e is JSException or InvalidOperationException or TaskCanceledException) { }
    }

    void RestoreDraft()
    {
        try
        {
            notebook = NotebookFormat.Parse(draft!);
            cellRuns.Clear();
            datasetRuns.Clear();
            ShowFirstCells();
            Dirty = true;
            saveMessage = "Draft restored: save to keep it.";
            saveFailed = false;
        }
        catch (NotebookFormatException e)
        {
            saveMessage = $"The draft cannot be read: {e.Message}";
            saveFailed = true;
        }
        draft = null;
    }

    async Task DiscardDraftAsync()
    {
        draft = null;
        await ClearDraftAsync();
    }

    /// <summary>A new empty cell of the kind chosen at the end of the notebook.</summary>
    Cell NewCell() => newKind switch
    {
        "few-shot" => new FewShotCell { Name = "few-shot", Examples = [new FewShotExample("", "")] },
        "instruction" => new InstructionCell { Name = "instruction" },
        "markdown" => new MarkdownCell(),
        _ => new ZeroShotCell { Name = "zero-shot" },
    };

    void AddCell()
    {
        var cell = NewCell();
        fullCells.Add(cell);
        Edit(() => notebook!.Cells.Add(cell));
    }

    /// <summary>Inserts a new cell (of the chosen kind) right after cell <paramref name="index"/> (Alt+B; Alt+Enter after a run).</summary>
    void InsertBelow(int index)
    {
        var cell = NewCell();
        fullCells.Add(cell);
        Edit(() => notebook!.Cells.Insert(Math.Min(index + 1, notebook.Cells.Count), cell));
    }

    void Move(int index, int by)
    {
        int to = index + by;
        if (to < 0 || to >= notebook!.Cells.Count) return;
        Edit(() => (notebook.Cells[index], notebook.Cells[to]) = (notebook.Cells[to], notebook.Cells[index]));
    }

    /// <summary>Copies a cell through the notebook format (a deep copy that keeps every field), right after it.</summary>
    void Duplicate(int index)
    {
        var cell = notebook!.Cells[index];
        var copy = NotebookFormat.Parse(NotebookFormat.Write(new Notebook { Cells = [cell] }, keepOutputs: false)).Cells.Single();
        if (copy is PromptCell p) p.Name = string.IsNullOrEmpty(p.Name) ? "copy" : p.Name + " copy";
        fullCells.Add(copy);
        Edit(() => notebook.Cells.Insert(index + 1, copy));
    }

    /// <summary>Deletes a cell (cancelling its run); the snackbar's Undo puts it back where it was.</summary>
    void Delete(int index)
    {
        var cell = notebook!.Cells[index];
        if (cellRuns.Remove(cell, out var state)) state.Cancel();
        datasetRuns.Remove(cell);
        Edit(() => notebook.Cells.RemoveAt(index));
        var what = cell is PromptCell { Name: { Length: > 0 } n } ? $"{KindName(cell)} cell '{n}'" : $"{KindName(cell)} cell";
        Snackbar.Add($"Deleted the {what}.", Severity.Normal, o =>
        {
            o.Action = "Undo";
            o.ActionColor = Color.Primary;
            o.OnClick = _ => InvokeAsync(() => Undelete(index, cell));
        });
    }

    void Undelete(int index, Cell cell)
    {
        if (notebook is null || notebook.Cells.Contains(cell)) return;
        Edit(() => notebook.Cells.Insert(Math.Min(index, notebook.Cells.Count), cell));
        StateHasChanged();
    }

    /// <summary>Writes the notebook; a conflict or a format error is shown, never lost.</summary>
    public async Task SaveAsync()
    {
        if (notebook is null || saving) return;
        saving = true;
        try
        {
            var saved = await Task.Run(() => Storage.Save(Name, notebook, version, keepOutputs));
            version = saved.Version;
            Dirty = false;
            await ClearDraftAsync();
            saveFailed = false;
            saveMessage = $"Saved {saved.Name}.";
            foreach (var (cell, state) in cellRuns) if (cell is PromptCell prompt) state.Diff.KeepSaved(prompt, keepOutputs);   // the file's outputs, for diffs
        }
        catch (NotebookConflictException e)
        {
            saveFailed = true;
            saveMessage = $"{e.Name} changed on disk since you opened it, so it was not overwritten: your version was saved as {e.CopyName}. Open both to merge.";
            Snackbar.Add(saveMessage, Severity.Error, o => o.RequireInteraction = true);
        }
        catch (Exception e) when (e is NotebookFormatException or NotebookStorageException or IOException or UnauthorizedAccessException)
        {
            saveFailed = true;
            saveMessage = $"Not saved: {e.Message}";
            Snackbar.Add(saveMessage, Severity.Error, o => o.RequireInteraction = true);
        }
        finally
        {
            saving = false;
        }
    }

    /// <summary>Runs every prompt cell in order; Cancel stops the current one and the rest.</summary>
    async Task RunAllAsync()
    {
        if (notebook is null || running) return;
        using var all = runAll = new CancellationTokenSource();
        running = true;
        try
        {
            foreach (var cell in notebook.Cells.OfType<PromptCell>().ToList())
            {
                if (all.IsCancellationRequested) break;
                await DatasetOf(cell).RunCellAsync(Evaluator, Runner, RunsOf(cell), notebook, cell, CellRunner.ModelOf(notebook, cell, fallbackModel), all.Token);
            }
        }
        finally
        {
            runAll = null;
            running = cellRuns.Values.Any(v => v.Running);
        }
    }

    /// <summary>The run state of a prompt cell: its view shows it, Run all runs it; its runs are recorded beside the notebook.</summary>
    CellRunState RunsOf(Cell cell)
    {
        if (!cellRuns.TryGetValue(cell, out var state)) cellRuns[cell] = state = new CellRunState();
        state.Record = new RecordTarget(Storage.PathOf(Name), "ui");
        return state;
    }

    /// <summary>The dataset evaluation of a prompt cell (its results matrix and style comparison), reading dataset files beside the notebook.</summary>
    DatasetRunState DatasetOf(Cell cell)
    {
        if (!datasetRuns.TryGetValue(cell, out var state))
            datasetRuns[cell] = state = new DatasetRunState { NotebookDirectory = Path.GetDirectoryName(Storage.PathOf(Name)) };
        return state;
    }

    void CancelAll()
    {
        runAll?.Cancel();
        foreach (var state in cellRuns.Values) state.Cancel();
    }

    void CellRunningChanged(bool cellRunning)
    {
        running = runAll is not null || cellRunning || cellRuns.Values.Any(v => v.Running);
        cellsVersion.SkipNext();   // the EventCallback renders the editor next: only its Run all and Cancel buttons changed
    }

    async Task ConfirmLeaveAsync(LocationChangingContext context)
    {
        if (!Dirty) return;
        var leave = await Dialogs.ShowMessageBoxAsync("Unsaved changes", "This notebook has unsaved changes. Leave without saving?",
            yesText: "Leave without saving", cancelText: "Stay");
        if (leave != true) context.PreventNavigation();
    }

    /// <summary>Leaving the page cancels the notebook's runs.</summary>
    public void Dispose()
    {
        CancelAll();
        draftTimer?.Dispose();
        self?.Dispose();
    }
}
