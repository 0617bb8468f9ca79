using GptPlayground.Notebooks;

namespace GptPlayground.Cli;

/// <summary>
/// <c>notebook check NOTEBOOK.md</c>: parses a notebook and prints its canonical markdown to stdout (a file the app
/// wrote prints byte for byte as it is). A file that does not parse exits 2 with "FILE: line N: reason". Decoding
/// settings that cannot run (or are ignored) are reported on stderr, one line each; the exit code stays 0. So are the
/// problems of a dataset file a cell names (<c>dataset: data/NAME.csv</c>, read beside the notebook): "error: cell N
/// (NAME): data/NAME.csv line L: reason" (the file is the run's input, not part of the notebook's format).
/// </summary>
public static class NotebookVerb
{
    public static Task<int> RunAsync(CliContext context, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = CliArgs.Parse("notebook", args, [], []);
        if (a.Positional is not ["check", var path])
            throw new CliException("usage: gptplayground notebook check NOTEBOOK.md");
        var notebook = Read(path);
        context.Out.Write(NotebookFormat.Write(notebook));
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        foreach (var (cell, i) in notebook.Cells.Select((c, i) => (c, i)))
        {
            if (cell is not PromptCell { DatasetFile: not null } p) continue;
            try { CellDataset.Load(p, folder); }
            catch (DatasetException e) { context.Error.WriteLine($"error: cell {i + 1} ({p.Name}): {e.Message}"); }
        }
        foreach (var issue in NotebookValidation.Validate(notebook))
            context.Error.WriteLine($"{(issue.IsError ? "error" : "warning")}: cell {issue.Cell + 1} ({issue.CellName}), variant {issue.Variant}: {issue.Message}");
        return Task.FromResult(0);
    }

    /// <summary>Reads a notebook file with the storage's checks (5 MB, UTF-8) and the format's.</summary>
    /// <exception cref="CliException">The file cannot be read or is not a valid notebook; the message names the line.</exception>
    public static Notebook Read(string path)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new CliException($"{path}: no such file");
            if (info.Length > NotebookStorage.MaxBytes) throw new CliException($"{path}: {info.Length / 1048576.0:0.0} MB: notebooks over 5 MB are refused");
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{path}: cannot be read: {e.Message}");
        }
        try
        {
            return NotebookStorage.Decode(Path.GetFileName(path), bytes);
        }
        catch (NotebookFormatException e)
        {
            throw new CliException($"{path}: {e.Message}");
        }
    }
}
