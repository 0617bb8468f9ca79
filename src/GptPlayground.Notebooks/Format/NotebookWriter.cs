using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace GptPlayground.Notebooks;

public static partial class NotebookFormat
{

    /// <summary>Writes the canonical text of a notebook (LF line endings, ends with a newline).</summary>
    /// <param name="notebook">The notebook.</param>
    /// <param name="keepOutputs">Write the cells' last outputs (default true); false leaves them out of the file.</param>
    /// <returns>The file text.</returns>
    /// <exception cref="NotebookFormatException">Something cannot be written so that it reads back the same (a name with a
    /// line break, a variant name with spaces, an invalid variable name); nothing is written then.</exception>
    public static string Write(Notebook notebook, bool keepOutputs = true)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        CheckCellCount(notebook);
        var sb = new StringBuilder();
        bool header = NeedsFrontMatter(notebook);
        if (header) WriteFrontMatter(sb, notebook);
        Cell? previous = null;
        bool previousWasRawMarkdown = false;
        foreach (var cell in notebook.Cells)
        {
            if (header || previous is not null) sb.Append('\n');
            switch (cell)
            {
                case MarkdownCell md:
                    bool raw = ReadsBackRaw(md.Text);
                    if (raw && previous is MarkdownCell && previousWasRawMarkdown) sb.Append(CellMarker).Append("\n\n");
                    if (raw) sb.Append(md.Text).Append('\n');
                    else Fence(sb, MarkdownCellRole, md.Text);
                    previousWasRawMarkdown = raw;
                    break;
                case PromptCell p:
                    WritePromptCell(sb, p, keepOutputs);
                    previousWasRawMarkdown = false;
                    break;
                default:
                    throw new NotebookFormatException(null, $"cannot write a cell of type {cell?.GetType().Name ?? "null"}");
            }
            previous = cell;
        }
        return sb.ToString();
    }

    /// <summary>
    /// A file read without front matter is written without it while there is nothing to put there and its first cell
    /// could not be mistaken for one.
    /// </summary>
    static bool NeedsFrontMatter(Notebook n) =>
        n.HasFrontMatter || n.Title is not null || n.Description is not null || n.Model is not null || n.ChatFormat is not null
        || n.Decoding is not null || n.Variables.Count > 0 || n.ExtraFrontMatter.Count > 0 || n.FrontMatterComments.Count > 0
        || n.Cells.Count == 0
        || n.Cells[0] is MarkdownCell { Text: var first } && (first.StartsWith("---", StringComparison.Ordinal) || !ReadsBackRaw(first));

    static void WriteFrontMatter(StringBuilder sb, Notebook n)
    {
        if (n.UnkeptComment is { } lost) throw new NotebookFormatException(null, lost);
        var written = new HashSet<string?>();
        void Comments(string? key)
        {
            written.Add(key);
            foreach (var (above, line) in n.FrontMatterComments)
                if (above == key) sb.Append(line).Append('\n');
        }
        sb.Append("---\n");
        if (n.Title is not null) { Comments("title"); YamlText.WriteEntry(sb, 0, "title", n.Title); }
        if (n.Description is not null) { Comments("description"); YamlText.WriteEntry(sb, 0, "description", n.Description); }
        if (n.Model is not null) { Comments("model"); YamlText.WriteEntry(sb, 0, "model", n.Model); }
        if (n.ChatFormat is not null) { Comments("chat_format"); YamlText.WriteEntry(sb, 0, "chat_format", n.ChatFormat); }
        if (n.Decoding is not null)
        {
            Comments("decoding");
            var yaml = DecodingYaml.Write(n.Decoding, 2);
            if (yaml.Trim() == "{}") sb.Append("decoding: {}\n");
            else sb.Append("decoding:\n").Append(yaml);
        }
        if (n.Variables.Count > 0) Comments("variables");
        WriteVariables(sb, 0, n.Variables, "notebook");
        foreach (var (key, text) in n.ExtraFrontMatter)
        {
            if (text.Length == 0 || !text.StartsWith(key, StringComparison.Ordinal))
                throw new NotebookFormatException(null, $"front matter entry '{key}' must be its YAML text starting with the key");
            Comments(key);
            sb.Append(text).Append('\n');
        }
        foreach (var (above, line) in n.FrontMatterComments)   // after the last key, or above a key no longer there
            if (!written.Contains(above)) sb.Append(line).Append('\n');
        sb.Append("---\n");
    }

    static void WriteVariables(StringBuilder sb, int indent, List<KeyValuePair<string, string>> variables, string owner)
    {
        if (variables.Count == 0) return;
        sb.Append(' ', indent).Append("variables:\n");
        var names = new HashSet<string>();
        foreach (var (name, value) in variables)
        {
            if (!CellSyntax.IsVariableName(name))
                throw new NotebookFormatException(null, $"{owner} variable name '{name}' {CellSyntax.VariableNameRule}");
            if (!names.Add(name)) throw new NotebookFormatException(null, $"{owner} variable '{name}' is defined twice");
            YamlText.WriteEntry(sb, indent + 2, name, value ?? "");
        }
    }

    static void WritePromptCell(StringBuilder sb, PromptCell c, bool keepOutputs)
    {
        CellDataset.Check(c, _ => null);                   // a cell whose dataset or assertion would not read back is not written
        var name = (c.Name ?? "").Trim();
        if (name.Contains('\n') || name.Contains('\r'))
            throw new NotebookFormatException(null, $"cell name '{name.ReplaceLineEndings(" ")}' must be one line");
        sb.Append("## ").Append(HeadingName(c.Kind));
        if (name.Length > 0) sb.Append(": ").Append(name);
        sb.Append('\n');
        bool rawNote = c.Note is not null && NoteReadsBackRaw(c.Note);
        if (rawNote) sb.Append('\n').Append(c.Note).Append('\n');

        var settings = new StringBuilder();
        if (c.Model is not null) YamlText.WriteEntry(settings, 0, "model", c.Model);
        if (c.Note is not null && !rawNote) YamlText.WriteEntry(settings, 0, "note", c.Note);
        string? separator = c switch { ZeroShotCell z => z.Separator, FewShotCell f => f.Separator, _ => null };
        if (separator is not null) YamlText.WriteEntry(settings, 0, "separator", separator);
        if (c is InstructionCell { ChatFormat: { } format }) YamlText.WriteEntry(settings, 0, "chat_format", format);
        if (c.DatasetFile is { } file) YamlText.WriteEntry(settings, 0, "dataset", file);
        if (c.ExpectedColumn is { } column) YamlText.WriteEntry(settings, 0, "expected_column", column);
        if (c.Assert is { } assert) YamlText.WriteEntry(settings, 0, "assert", Assertions.Name(assert));
        if (c.Choices.Count > 0)
        {
            settings.Append("choices:\n");
            foreach (var choice in c.Choices) settings.Append("  - ").Append(YamlText.DoubleQuotedUnlessPlain(choice)).Append('\n');
        }
        WriteVariables(settings, 0, c.Variables, $"cell '{name}'");
        if (settings.Length > 0) { sb.Append('\n'); Fence(sb, "cell", settings.ToString()[..^1]); }

        switch (c)
        {
            case ZeroShotCell z:
                if (z.Instruction.Length > 0) { sb.Append('\n'); Fence(sb, "instruction", z.Instruction); }
                sb.Append('\n'); Fence(sb, "input", z.Input);
                break;
            case FewShotCell f:
                if (f.Instruction.Length > 0) { sb.Append('\n'); Fence(sb, "instruction", f.Instruction); }
                sb.Append('\n'); Fence(sb, "template", f.Template);
                foreach (var ex in f.Examples)
                {
                    sb.Append('\n'); Fence(sb, ex.Enabled ? "example" : "example off", ex.Input);
                    sb.Append('\n'); Fence(sb, "example-output", ex.Output);
                }
                sb.Append('\n'); Fence(sb, "query", f.Query);
                break;
            case InstructionCell i:
                if (i.System.Length > 0) { sb.Append('\n'); Fence(sb, "system", i.System); }
                sb.Append('\n'); Fence(sb, "user", i.User);
                break;
        }
        if (c.Dataset is not null) { sb.Append('\n'); Fence(sb, "dataset", c.Dataset); }
        if (c.Expected is not null) { sb.Append('\n'); Fence(sb, "expected", c.Expected); }
        var variantNames = new HashSet<string>();
        foreach (var v in c.Variants)
        {
            CheckVariantName(v.Name, name);
            if (!variantNames.Add(v.Name)) throw new NotebookFormatException(null, $"cell '{name}' has two decoding variants named '{v.Name}'");
            var yaml = DecodingYaml.Write(v.Settings);
            sb.Append('\n'); Fence(sb, "decoding " + v.Name, yaml[..^1]);
        }
        if (!keepOutputs) return;
        foreach (var o in c.Outputs)
        {
            CheckVariantName(o.Variant, name);
            var info = new StringBuilder("output ").Append(o.Variant);
            if (o.Tokens is { } t) info.Append(' ').Append(CellSyntax.OutputField.Tokens).Append('=').Append(t.ToString(CultureInfo.InvariantCulture));
            if (o.Finish is { } fin)
            {
                if (fin.Length == 0 || fin.Any(ch => char.IsWhiteSpace(ch) || ch == '`')) throw new NotebookFormatException(null, $"output finish reason '{fin}' must be one word");
                info.Append(' ').Append(CellSyntax.OutputField.Finish).Append('=').Append(fin);
            }
            if (o.TimeMs is { } ms) info.Append(' ').Append(CellSyntax.OutputField.TimeMs).Append('=').Append(ms.ToString("R", CultureInfo.InvariantCulture));
            if (o.TokensPerSecond is { } tps) info.Append(' ').Append(CellSyntax.OutputField.TokensPerSecond).Append('=').Append(tps.ToString("R", CultureInfo.InvariantCulture));
            if (o.Seed is { } seed) info.Append(' ').Append(CellSyntax.OutputField.Seed).Append('=').Append(seed.ToString(CultureInfo.InvariantCulture));
            if (o.TokenIds is { } ids)
            {
                if (ids.Any(id => id < 0)) throw new NotebookFormatException(null, $"output of variant '{o.Variant}' in cell '{name}' has a negative token id; token ids are 0 or more (leave TokenIds null when they are not known)");
                info.Append(' ').Append(CellSyntax.OutputField.Ids).Append('=').AppendJoin(',', ids.Select(id => id.ToString(CultureInfo.InvariantCulture)));
            }
            sb.Append('\n'); Fence(sb, info.ToString(), o.Text);
        }
    }

    static void CheckVariantName(string name, string cell)
    {
        if (!CellSyntax.IsVariantName(name))
            throw new NotebookFormatException(null, $"decoding variant name '{name}' in cell '{cell}' {CellSyntax.VariantNameRule}");
    }

    /// <summary>Writes a fenced block whose backtick fence is longer than any backtick run that starts a content line.</summary>
    static void Fence(StringBuilder sb, string info, string content)
    {
        int longest = 0;
        foreach (var line in content.Split('\n', '\r'))
        {
            var t = line.TrimStart(' ', '\t');
            int n = 0;
            while (n < t.Length && t[n] == '`') n++;
            longest = Math.Max(longest, n);
        }
        var fence = new string('`', Math.Max(3, longest + 1));
        sb.Append(fence).Append(info).Append('\n').Append(content).Append('\n').Append(fence).Append('\n');
    }

    /// <summary>True when a cell note written as is under the heading reads back as the same note.</summary>
    static bool NoteReadsBackRaw(string note)
    {
        if (note.Length == 0 || note.Contains('\0')) return false;
        var probe = "## Zero-shot: probe\n\n" + note + "\n\n```input\nx\n```\n";
        try
        {
            var n = new Notebook();
            new BodyReader(n, probe, 0).Read();
            return n.Cells.Count == 1 && n.Cells[0] is ZeroShotCell { Input: "x" } z && z.Note == note;
        }
        catch (NotebookFormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// True when a markdown text written as is (after a prompt cell, before a marker) reads back as exactly one markdown
    /// cell with the same text; otherwise it is written as a <c>```markdown-cell</c> block.
    /// </summary>
    static bool ReadsBackRaw(string text)
    {
        if (text.Length == 0 || text.Contains('\0')) return false;
        var probe = "## Zero-shot: probe\n\n```input\nx\n```\n\n" + text + "\n\n" + CellMarker + "\n\nend\n";
        try
        {
            var n = new Notebook();
            new BodyReader(n, probe, 0).Read();
            return n.Cells.Count == 3 && n.Cells[0] is ZeroShotCell { Input: "x" } && n.Cells[1] is MarkdownCell m && m.Text == text
                && n.Cells[2] is MarkdownCell { Text: "end" };
        }
        catch (NotebookFormatException)
        {
            return false;
        }
    }
}
