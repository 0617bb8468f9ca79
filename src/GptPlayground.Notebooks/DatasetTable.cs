using System.Text;
using System.Text.Json;

namespace GptPlayground.Notebooks;

/// <summary>One row of a dataset: its values in column order and the line it starts on.</summary>
/// <param name="Line">1-based line of the row in its source (the data file, or the notebook for a <c>```dataset</c> block).</param>
/// <param name="Values">The row's values, one per <see cref="DatasetTable.Columns"/> entry.</param>
public sealed record DatasetRow(int Line, IReadOnlyList<string> Values);

/// <summary>
/// A table of inputs for a prompt cell: a header of column names (each a <c>{{variable}}</c> name) and rows. Read from a
/// cell's <c>```dataset</c> block (CSV) or a file beside the notebook (<c>data/NAME.csv</c> or <c>.jsonl</c>) by
/// <see cref="Read"/>; every problem is a <see cref="DatasetException"/> that names the source, the line and the column.
/// </summary>
public sealed class DatasetTable
{
    /// <summary>Largest dataset read: 4 MB of text. A 200-row dataset is a few KB; a bigger table belongs in a script.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    /// <summary>Most rows a dataset may have: 5,000 (each row runs once per variant; 5,000 rows x 3 variants is hours on a CPU).</summary>
    public const int MaxRows = 5000;

    /// <summary>The column the expected answer is read from when the cell names none (<c>expected_column</c>).</summary>
    public const string DefaultExpectedColumn = "expected";

    DatasetTable(string source, int headerLine, IReadOnlyList<string> columns, IReadOnlyList<DatasetRow> rows)
    {
        Source = source;
        HeaderLine = headerLine;
        Columns = columns;
        Rows = rows;
    }

    /// <summary>Where the table came from, for messages: "the ```dataset block" or the file as the cell names it.</summary>
    public string Source { get; }

    /// <summary>1-based line of the header (CSV) or of the first object (JSON Lines) in <see cref="Source"/>.</summary>
    public int HeaderLine { get; }

    /// <summary>Column names, in header order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The rows, in file order.</summary>
    public IReadOnlyList<DatasetRow> Rows { get; }

    /// <summary>Index of a column, or -1.</summary>
    public int IndexOf(string column)
    {
        for (int i = 0; i < Columns.Count; i++) if (Columns[i] == column) return i;
        return -1;
    }

    /// <summary>A row's values as <c>{{variable}}</c> values (name, value), in column order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Variables(DatasetRow row) =>
        Columns.Select((c, i) => new KeyValuePair<string, string>(c, row.Values[i])).ToList();

    /// <summary>Reads a dataset's text.</summary>
    /// <param name="text">The text: CSV with a header row, or JSON Lines (one object per line).</param>
    /// <param name="source">Where it came from, for messages ("data/plurals.csv").</param>
    /// <param name="jsonLines">True for JSON Lines, false for CSV.</param>
    /// <param name="firstLine">1-based line of the text's first line in its source (a <c>```dataset</c> block's first content line).</param>
    /// <exception cref="DatasetException">Too big, no header, a bad or repeated column name, a ragged row, an unclosed quote,
    /// a JSON line that is not a flat object with the header's keys, no rows, or too many rows.</exception>
    public static DatasetTable Read(string text, string source, bool jsonLines = false, int firstLine = 1)
    {
        ArgumentNullException.ThrowIfNull(text);
        int bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > MaxBytes)
            throw new DatasetException(source, null, $"is {bytes / 1048576.0:0.0} MB: datasets over {MaxBytes / 1048576} MB are refused (keep a sample of the rows, or split it into several cells)");
        var (columns, rows, headerLine) = jsonLines ? ReadJsonLines(text, source, firstLine) : ReadCsv(text, source, firstLine);
        if (rows.Count == 0) throw new DatasetException(source, firstLine, $"the dataset has a header ({string.Join(", ", columns)}) but no rows: add a row per input");
        if (rows.Count > MaxRows)
            throw new DatasetException(source, rows[MaxRows].Line, $"the dataset has {rows.Count:N0} rows: datasets over {MaxRows:N0} rows are refused (keep a sample)");
        return new DatasetTable(source, headerLine, columns, rows);
    }

    static void CheckColumns(List<string> columns, string source, int line)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < columns.Count; i++)
        {
            if (!CellSyntax.IsVariableName(columns[i]))
                throw new DatasetException(source, line, $"column {i + 1} of the header ('{columns[i]}') is not a variable name: it {CellSyntax.VariableNameRule}, as {{{{name}}}} placeholders do");
            if (!seen.Add(columns[i]))
                throw new DatasetException(source, line, $"column '{columns[i]}' appears twice in the header: give each column its own name");
        }
    }

    // ------------------------------------------------------------------ CSV (RFC 4180)

    /// <summary>
    /// CSV as RFC 4180 writes it: fields separated by commas, a field in double quotes may hold commas, line breaks and
    /// doubled quotes (<c>""</c>); a record ends at a line break. Blank lines are skipped. Fields are kept as written
    /// (spaces too).
    /// </summary>
    static (List<string> Columns, List<DatasetRow> Rows, int HeaderLine) ReadCsv(string text, string source, int firstLine)
    {
        List<string>? header = null;
        int headerLine = firstLine;
        var rows = new List<DatasetRow>();
        int pos = 0, line = firstLine;
        while (pos < text.Length)
        {
            int recordLine = line;
            var fields = ReadRecord(text, ref pos, ref line, source);
            if (fields is null) continue;                                       // a blank line
            if (header is null)
            {
                header = fields.Select(f => f.Trim()).ToList();
                headerLine = recordLine;
                CheckColumns(header, source, recordLine);
                continue;
            }
            if (fields.Count != header.Count)
                throw new DatasetException(source, recordLine,
                    $"the row has {fields.Count} field{(fields.Count == 1 ? "" : "s")} but the header has {header.Count} ({string.Join(", ", header)}): " +
                    (fields.Count > header.Count ? "put a value that holds a comma in double quotes (\"a, b\")" : $"add the missing value{(header.Count - fields.Count == 1 ? "" : "s")} (an empty one is two commas in a row)"));
            rows.Add(new DatasetRow(recordLine, fields));
            if (rows.Count > MaxRows) break;
        }
        if (header is null) throw new DatasetException(source, firstLine, "the dataset is empty: its first line is the header (column names separated by commas), then one row per line");
        return (header, rows, headerLine);
    }

    /// <summary>One record from <paramref name="pos"/>; null for a blank line.</summary>
    static List<string>? ReadRecord(string text, ref int pos, ref int line, string source)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool any = false;
        while (true)
        {
            if (pos < text.Length && text[pos] == '"')
            {
                int quoteLine = line;
                pos++;
                while (true)
                {
                    if (pos >= text.Length)
                        throw new DatasetException(source, quoteLine, "a quoted field that starts on this line is never closed: end it with a double quote (write a quote inside it as \"\")");
                    char c = text[pos++];
                    if (c == '"')
                    {
                        if (pos < text.Length && text[pos] == '"') { field.Append('"'); pos++; continue; }
                        break;
                    }
                    if (c == '\n') line++;
                    field.Append(c);
                }
                if (pos < text.Length && text[pos] is not (',' or '\n' or '\r'))
                    throw new DatasetException(source, line, $"text after the closing quote of field {fields.Count + 1}: a quoted field ends at its closing quote (write a quote inside it as \"\")");
                any = true;
            }
            else
            {
                while (pos < text.Length && text[pos] is not (',' or '\n' or '\r')) field.Append(text[pos++]);
            }
            if (field.Length > 0) any = true;
            fields.Add(field.ToString());
            field.Clear();
            if (pos < text.Length && text[pos] == ',') { pos++; any = true; continue; }
            if (pos < text.Length && text[pos] == '\r') pos++;
            if (pos < text.Length && text[pos] == '\n') pos++;
            line++;
            return any ? fields : null;
        }
    }

    // ------------------------------------------------------------------ JSON Lines

    static (List<string> Columns, List<DatasetRow> Rows, int HeaderLine) ReadJsonLines(string text, string source, int firstLine)
    {
        List<string>? columns = null;
        int headerLine = firstLine;
        var rows = new List<DatasetRow>();
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int line = firstLine + i;
            var json = lines[i].TrimEnd('\r');
            if (json.Trim().Length == 0) continue;
            JsonDocument doc;
            try { doc = JsonDocument.Parse(json); }
            catch (JsonException e) { throw new DatasetException(source, line, $"not a JSON object ({e.Message.Split(" Path:")[0]}): each line is one object such as {{\"input\": \"dog\", \"expected\": \"dogs\"}}"); }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw new DatasetException(source, line, $"a JSON {doc.RootElement.ValueKind.ToString().ToLowerInvariant()} where an object was expected: each line is one object such as {{\"input\": \"dog\", \"expected\": \"dogs\"}}");
                var keys = new List<string>();
                var values = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    keys.Add(p.Name);
                    values[p.Name] = p.Value.ValueKind switch
                    {
                        JsonValueKind.String => p.Value.GetString()!,
                        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => p.Value.GetRawText(),
                        JsonValueKind.Null => "",
                        _ => throw new DatasetException(source, line, $"'{p.Name}' is a JSON {p.Value.ValueKind.ToString().ToLowerInvariant()}: values must be text, numbers or true/false"),
                    };
                }
                if (columns is null)
                {
                    CheckColumns(keys, source, line);
                    columns = keys;
                    headerLine = line;
                }
                else
                {
                    foreach (var c in columns)
                        if (!values.ContainsKey(c))
                            throw new DatasetException(source, line, $"the object has no '{c}': every line needs the keys of the first ({string.Join(", ", columns)})");
                    foreach (var k in keys)
                        if (!columns.Contains(k))
                            throw new DatasetException(source, line, $"'{k}' is not a key of the first line ({string.Join(", ", columns)}): every line has the same keys");
                }
                rows.Add(new DatasetRow(line, columns.Select(c => values[c]).ToList()));
                if (rows.Count > MaxRows) break;
            }
        }
        if (columns is null) throw new DatasetException(source, firstLine, "the dataset is empty: write one JSON object per line");
        return (columns, rows, headerLine);
    }
}

/// <summary>A dataset that cannot be read or used; the message names its source, the line and the column.</summary>
public sealed class DatasetException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="source">Where the dataset came from ("data/plurals.csv", "the ```dataset block").</param>
    /// <param name="line">1-based line in that source, or null.</param>
    /// <param name="reason">What is wrong and how to fix it.</param>
    public DatasetException(string source, int? line, string reason)
        : base($"{source}{(line is { } l ? $" line {l}" : "")}: {reason}")
    {
        Source = source;
        Line = line;
        Reason = reason;
    }

    /// <summary>Where the dataset came from.</summary>
    public new string Source { get; }

    /// <summary>1-based line of the problem in <see cref="Source"/>, or null.</summary>
    public int? Line { get; }

    /// <summary>The message without the source and line.</summary>
    public string Reason { get; }
}
