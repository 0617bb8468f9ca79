using GptPlayground.Notebooks;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace GptPlayground.Components.Notebooks;

/// <summary>
/// The notebooks home: every notebook in prompts/ with its title, number of cells and modification time, and the
/// file actions (new, open, duplicate, rename, delete to the trash, upload a .md, download). Delete moves the file to
/// prompts/.trash/ and says so in a snackbar whose <b>Undo</b> moves it back. A file that does not parse is listed with
/// its error instead of breaking the page.
/// </summary>
public sealed partial class NotebookList
{
    List<Row>? rows;
    string newName = "";
    string? renaming;
    string renameTo = "";
    string? message;
    bool failed;

    [Inject] NotebookStorage Storage { get; set; } = default!;
    [Inject] NavigationManager Navigation { get; set; } = default!;
    [Inject] ISnackbar Snackbar { get; set; } = default!;

    sealed record Row(NotebookInfo Info, int? Cells);

    /// <inheritdoc/>
    protected override Task OnInitializedAsync() => RefreshAsync();

    /// <summary>Re-reads prompts/ (off the circuit's thread: every file is parsed for its cell count).</summary>
    async Task RefreshAsync()
    {
        rows = await Task.Run(() => Storage.List().Select(info =>
        {
            if (info.Error is not null) return new Row(info, null);
            try { return new Row(info, Storage.Open(info.Name).Notebook.Cells.Count); }
            catch (Exception e) when (e is NotebookFormatException or NotebookStorageException or IOException)
            {
                return new Row(info with { Error = e.Message }, null);
            }
        }).ToList());
    }

    async Task Do(Func<string?> action)
    {
        try
        {
            message = action();
            failed = false;
        }
        catch (Exception e) when (e is NotebookStorageException or NotebookFormatException or IOException or UnauthorizedAccessException)
        {
            message = e.Message;
            failed = true;
        }
        await RefreshAsync();
    }

    /// <summary>Enter in the name field creates the notebook.</summary>
    Task NewNameKeyAsync(KeyboardEventArgs e) => e.Key == "Enter" ? CreateAsync() : Task.CompletedTask;

    async Task CreateAsync()
    {
        var name = string.IsNullOrWhiteSpace(newName) ? "untitled" : newName.Trim();
        var title = NotebookStorage.WithoutExtension(name);
        string? created = null;
        await Do(() =>
        {
            var notebook = new Notebook
            {
                Title = title,
                Cells = [new MarkdownCell($"Notes about {title}."), new ZeroShotCell { Name = "first", Instruction = "", Input = "Once upon a time" }],
            };
            created = Storage.SaveAs(Storage.FreeName(name), notebook).Name;   // "untitled.md" taken: untitled-2.md
            return $"Created {created}.";
        });
        if (created is not null) Navigation.NavigateTo($"notebooks/{created}");
    }

    Task DuplicateAsync(string name) => Do(() => $"Copied {name} to {Storage.Duplicate(name)}.");

    void StartRename(string name)
    {
        renaming = name;
        renameTo = name;
    }

    async Task RenameAsync(string name)
    {
        await Do(() => $"Renamed {name} to {Storage.Rename(name, renameTo.Trim())}.");
        renaming = null;
    }

    /// <summary>Moves the notebook to the trash and offers Undo in a snackbar.</summary>
    async Task DeleteAsync(string name)
    {
        TrashEntry? deleted = null;
        await Do(() =>
        {
            deleted = Storage.Delete(name);
            return null;
        });
        if (deleted is not { } entry) return;
        Snackbar.Add($"Moved {entry.Name} to the trash ({NotebookStorage.TrashFolder}/ in the prompts folder).", Severity.Normal, o =>
        {
            o.Action = "Undo";
            o.ActionColor = Color.Primary;
            o.OnClick = _ => InvokeAsync(() => RestoreAsync(entry));
        });
    }

    /// <summary>Undo of a delete: the file comes back from the trash under its name.</summary>
    async Task RestoreAsync(TrashEntry entry)
    {
        await Do(() => $"Restored {Storage.Restore(entry.Id)} from the trash.");
        StateHasChanged();          // the snackbar's click is not this component's event: render by hand
    }

    /// <summary>Reads an uploaded .md (at most <see cref="NotebookStorage.MaxBytes"/>), checks that it parses, and saves it under a free name.</summary>
    async Task UploadAsync(IBrowserFile? file)
    {
        if (file is null) return;
        byte[] bytes;
        try
        {
            using var stream = file.OpenReadStream(NotebookStorage.MaxBytes);
            using var memory = new MemoryStream();
            await stream.CopyToAsync(memory);
            bytes = memory.ToArray();
        }
        catch (IOException ex)
        {
            message = $"{file.Name}: {ex.Message}";
            failed = true;
            return;
        }
        await Do(() =>
        {
            var notebook = NotebookStorage.Decode(file.Name, bytes);
            var name = Storage.FreeName(NotebookStorage.UploadName(file.Name));   // top level: a browser's name is no path
            return $"Uploaded {Storage.SaveAs(name, notebook, keepOutputs: true).Name}.";
        });
    }
}
