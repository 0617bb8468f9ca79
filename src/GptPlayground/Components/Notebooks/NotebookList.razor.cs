using GptPlayground.Notebooks;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace GptPlayground.Components.Notebooks;

/// <summary>
/// The notebooks home: every notebook in prompts/ with its title, number of cells and modification time, and the
/// file actions (new, open, duplicate, rename, delete to the trash, upload a .md, download). A file that does not
/// parse is listed with its error instead of breaking the page.
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

    async Task Do(Func<string> action)
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

    Task DeleteAsync(string name) => Do(() =>
    {
        var entry = Storage.Delete(name);
        return $"Moved {entry.Name} to the trash ({NotebookStorage.TrashFolder}/{entry.Id} in the prompts folder).";
    });

    /// <summary>Reads an uploaded .md (at most <see cref="NotebookStorage.MaxBytes"/>), checks that it parses, and saves it under a free name.</summary>
    async Task UploadAsync(InputFileChangeEventArgs e)
    {
        byte[] bytes;
        try
        {
            using var stream = e.File.OpenReadStream(NotebookStorage.MaxBytes);
            using var memory = new MemoryStream();
            await stream.CopyToAsync(memory);
            bytes = memory.ToArray();
        }
        catch (IOException ex)
        {
            message = $"{e.File.Name}: {ex.Message}";
            failed = true;
            return;
        }
        await Do(() =>
        {
            var notebook = NotebookStorage.Decode(e.File.Name, bytes);
            var name = Storage.FreeName(NotebookStorage.UploadName(e.File.Name));   // top level: a browser's name is no path
            return $"Uploaded {Storage.SaveAs(name, notebook, keepOutputs: true).Name}.";
        });
    }
}
