using System.Text;

namespace GptPlayground.Notebooks;

/// <summary>
/// The rules of a cell's dataset and assertion (docs/notebook-format.md, "Datasets and assertions"), in one place for
/// the reader (errors name the notebook line), the writer (a cell that breaks them is not written) and the evaluation
/// engine (a dataset file is loaded and checked before anything runs): which settings go together, the dataset file's
/// name, the expected column, the choices and the regex patterns.
/// </summary>
public static class CellDataset
{
    /// <summary>File extensions a dataset file may have.</summary>
    public static readonly IReadOnlyList<string> FileExtensions = [".csv", ".jsonl"];

    /// <summary>
    /// Checks the cell's settings against each other: one dataset (a block or a file), a file name inside the notebook's
    /// folder, <c>expected_column</c> only with a dataset, an assertion only with something to judge against, the choices
    /// with (and only with) <c>assert: choices</c>, an <c>expected</c> block that compiles as a regex for
    /// <c>assert: regex</c> and is one of the choices for <c>assert: choices</c>; then an inline dataset's text and rows
    /// (<see cref="CheckRows"/>).
    /// </summary>
    /// <param name="cell">The cell.</param>
    /// <param name="lineOf">The notebook line of a setting ("dataset", "expected_column", "assert", "choices") or block
    /// ("```dataset", "```expected"); null when unknown (writing).</param>
    /// <exception cref="NotebookFormatException">A rule is broken; the message names the line, the value and the fix.</exception>
    public static void Check(PromptCell cell, Func<string, int?> lineOf)
    {
        string name = cell.Name;
        if (cell.Dataset is not null && cell.DatasetFile is not null)
            throw new NotebookFormatException(lineOf("dataset") ?? lineOf("```dataset"),
                $"cell '{name}' has both a ```dataset block and 'dataset: {cell.DatasetFile}': keep one of them");
        if (cell.DatasetFile is { } file && FileNameProblem(file) is { } problem)
            throw new NotebookFormatException(lineOf("dataset"), $"dataset (='{file}') {problem}");
        if (cell.ExpectedColumn is { } column)
        {
            if (!cell.HasDataset)
                throw new NotebookFormatException(lineOf("expected_column"),
                    $"expected_column (='{column}') names a dataset column but cell '{name}' has no dataset: add a ```dataset block or 'dataset: data/NAME.csv', or remove expected_column");
            if (cell.Expected is not null)
                throw new NotebookFormatException(lineOf("expected_column"),
                    $"expected_column (='{column}') and an ```expected block both give cell '{name}' its expected answer: keep one (the block may use the row's {{{{variables}}}})");
        }
        if (cell.Assert is { } kind && !cell.HasDataset && cell.Expected is null)
            throw new NotebookFormatException(lineOf("assert"),
                $"assert (={Assertions.Name(kind)}) judges outputs against an expected answer but cell '{name}' has none: add an ```expected block or a dataset with an '{DatasetTable.DefaultExpectedColumn}' column");
        if (cell.Assert == AssertionKind.Choices)
        {
            if (cell.Choices.Count < 2)
                throw new NotebookFormatException(lineOf("choices") ?? lineOf("assert"),
                    $"assert: choices scores a list of answers but cell '{name}' has {cell.Choices.Count}: add 'choices:' with at least two, e.g. choices: [positive, negative]");
            foreach (var c in cell.Choices)
            {
                if (c.Trim().Length == 0) throw new NotebookFormatException(lineOf("choices"), $"choices of cell '{name}' has an empty choice: every choice needs text");
                if (cell.Choices.Count(x => x.Trim() == c.Trim()) > 1) throw new NotebookFormatException(lineOf("choices"), $"choices of cell '{name}' has '{c}' twice: each choice once");
            }
        }
        else if (cell.Choices.Count > 0)
            throw new NotebookFormatException(lineOf("choices"),
                $"choices (={string.Join(", ", cell.Choices)}) are scored only with 'assert: choices' (cell '{name}' has assert: {Assertions.Name(cell.Assert ?? AssertionKind.Exact)}): add it, or remove choices");
        if (!cell.HasDataset && cell.Expected is { } expected)
        {
            try { CheckAnswer(cell, expected); }
            catch (ArgumentException e) { throw new NotebookFormatException(lineOf("```expected"), e.Message); }
        }
        if (cell.Dataset is { } text)
        {
            int? blockLine = lineOf("```dataset");
            try { CheckRows(cell, DatasetTable.Read(text, "the ```dataset block", firstLine: blockLine + 1 ?? 1)); }
            catch (DatasetException e) { throw new NotebookFormatException(blockLine is null ? null : e.Line, blockLine is null ? $"cell '{name}': {e.Message}" : e.Reason); }
        }
    }

    /// <summary>
    /// Checks a dataset against its cell: the expected column exists when the cell names one (or asserts something with no
    /// <c>expected</c> block), every expected value compiles as a regex for <c>assert: regex</c> and is one of the choices
    /// for <c>assert: choices</c>.
    /// </summary>
    /// <exception cref="DatasetException">A rule is broken; the message names the line, the column and the value.</exception>
    public static void CheckRows(PromptCell cell, DatasetTable table)
    {
        var column = ExpectedColumnOf(cell, table);
        if (column < 0 && cell.Expected is null && (cell.ExpectedColumn is not null || cell.Assert is not null))
        {
            var wanted = cell.ExpectedColumn ?? DatasetTable.DefaultExpectedColumn;
            throw new DatasetException(table.Source, table.HeaderLine,
                $"no column '{wanted}' for the expected answer (columns: {string.Join(", ", table.Columns)}): add it, or name the column with 'expected_column: NAME'");
        }
        if (column < 0) return;
        foreach (var row in table.Rows)
        {
            try { CheckAnswer(cell, row.Values[column]); }
            catch (ArgumentException e) { throw new DatasetException(table.Source, row.Line, $"column '{table.Columns[column]}': {e.Message}"); }
        }
    }

    /// <summary>An expected answer the cell's assertion can use: a compiling regex, or one of the choices.</summary>
    /// <exception cref="ArgumentException">It cannot.</exception>
    static void CheckAnswer(PromptCell cell, string expected)
    {
        if (cell.Assert == AssertionKind.Regex)
        {
            try { Assertions.Compile(expected); }
            catch (ArgumentException e) { throw new ArgumentException($"regex '{expected}' does not compile ({e.Message}): fix the pattern, or use assert: contains for plain text"); }
        }
        if (cell.Assert == AssertionKind.Choices && cell.Choices.Count > 0 && !cell.Choices.Any(c => c.Trim() == expected.Trim()))
            throw new ArgumentException($"the expected answer '{expected}' is not one of the choices ({string.Join(", ", cell.Choices)}): add it to choices, or fix the answer");
    }

    /// <summary>The index of the column that holds the expected answer, or -1 when there is none (or the cell's <c>expected</c> block gives it).</summary>
    public static int ExpectedColumnOf(PromptCell cell, DatasetTable table) =>
        cell.Expected is not null ? -1 : table.IndexOf(cell.ExpectedColumn ?? DatasetTable.DefaultExpectedColumn);

    /// <summary>Why a dataset file name cannot be used, or null: it must be a relative path with '/' inside the notebook's folder, ending in .csv or .jsonl.</summary>
    public static string? FileNameProblem(string file)
    {
        if (file.Trim().Length == 0) return "is empty: name a file beside the notebook, e.g. data/plurals.csv";
        if (Path.IsPathRooted(file) || file.StartsWith('/') || file.Contains('\\') || file.Contains(':'))
            return "must be a path relative to the notebook's folder with '/' between folders, e.g. data/plurals.csv";
        if (file.Split('/').Any(p => p is "" or "." or ".." || p.StartsWith('.')))
            return "must stay inside the notebook's folder (no '..', hidden or empty parts), e.g. data/plurals.csv";
        if (!FileExtensions.Any(x => file.EndsWith(x, StringComparison.OrdinalIgnoreCase)))
            return "must end in .csv (a header row, then one row per line) or .jsonl (one JSON object per line)";
        return null;
    }

    /// <summary>
    /// The cell's dataset, read and checked (<see cref="CheckRows"/>): its <c>```dataset</c> block, or its file read from
    /// <paramref name="notebookDirectory"/>. Null when the cell has no dataset. A block's rows carry the notebook file's
    /// line numbers (<see cref="PromptCell.DatasetLine"/>) when the cell was read from a file.
    /// </summary>
    /// <param name="cell">The cell.</param>
    /// <param name="notebookDirectory">The folder of the notebook file (a dataset file's name is relative to it); null
    /// when the notebook has no file yet (then a dataset file is an error).</param>
    /// <exception cref="DatasetException">The file is missing, outside the folder, over <see cref="DatasetTable.MaxBytes"/>,
    /// not UTF-8, or its text or rows break the rules.</exception>
    public static DatasetTable? Load(PromptCell cell, string? notebookDirectory)
    {
        if (cell.Dataset is { } inline)
        {
            // rows are numbered by the notebook file's lines when the block was read from it (DatasetLine)
            var source = cell.DatasetLine is null ? $"cell '{cell.Name}' ```dataset block" : $"cell '{cell.Name}' ```dataset block, notebook";
            var table = DatasetTable.Read(inline, source, firstLine: cell.DatasetLine ?? 1);
            CheckRows(cell, table);
            return table;
        }
        if (cell.DatasetFile is not { } file) return null;
        if (FileNameProblem(file) is { } problem) throw new DatasetException(file, null, problem);
        if (notebookDirectory is null) throw new DatasetException(file, null, "the notebook has no folder yet: save it before running a dataset file beside it");
        var root = Path.GetFullPath(notebookDirectory);
        var path = Path.GetFullPath(Path.Combine(root, file));
        if (!path.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new DatasetException(file, null, "is outside the notebook's folder");
        var info = new FileInfo(path);
        if (!info.Exists) throw new DatasetException(file, null, $"no such file beside the notebook (looked for {path})");
        if (info.LinkTarget is not null) throw new DatasetException(file, null, "is a link: datasets are plain files beside the notebook");
        if (info.Length > DatasetTable.MaxBytes)
            throw new DatasetException(file, null, $"is {info.Length / 1048576.0:0.0} MB: datasets over {DatasetTable.MaxBytes / 1048576} MB are refused (keep a sample of the rows, or split it into several cells)");
        string text;
        try { text = new UTF8Encoding(false, true).GetString(File.ReadAllBytes(path)); }
        catch (DecoderFallbackException) { throw new DatasetException(file, null, "is not UTF-8 text: save it as UTF-8"); }
        if (text.StartsWith('\uFEFF')) text = text[1..];
        var loaded = DatasetTable.Read(text, file, jsonLines: file.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase));
        CheckRows(cell, loaded);
        return loaded;
    }
}
