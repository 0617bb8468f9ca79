using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using GptPlayground.Decoding;
using Markdig;
using Markdig.Syntax;
using YamlDotNet.RepresentationModel;

namespace GptPlayground.Notebooks;

/// <summary>
/// The notebook file format (docs/notebook-format.md): YAML front matter, then cells. A prompt cell is a heading
/// <c>## Zero-shot: NAME</c> (or Few-shot, Instruction) followed by fenced blocks whose info string names their role
/// (<c>```input</c>, <c>```decoding greedy</c>, ...). Anything else is markdown, kept as markdown cells.
/// </summary>
/// <remarks>
/// <para>Lossless: <c>Write(Parse(Write(n))) == Write(n)</c> byte for byte, and <c>Parse(Write(n))</c> equals <c>n</c>
/// (<see cref="NotebookComparer"/>). <see cref="Write"/> checks that every markdown cell reads back as itself and
/// writes it as a <c>```markdown-cell</c> block when it would not (an unclosed fence, a line that looks like a cell
/// heading, leading or trailing blank lines).</para>
/// <para>Tolerant: a file without front matter is a notebook of markdown cells; a CRLF file is read as LF; a heading
/// without role blocks after it, and blocks with unknown roles, stay markdown.</para>
/// </remarks>
public static partial class NotebookFormat
{
    /// <summary>Info string of a markdown cell written as a fenced block (<see cref="CellSyntax.MarkdownCellRole"/>).</summary>
    public const string MarkdownCellRole = CellSyntax.MarkdownCellRole;

    /// <summary>The line between two markdown cells (<see cref="CellSyntax.CellMarker"/>).</summary>
    public const string CellMarker = CellSyntax.CellMarker;

    static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePreciseSourceLocation().Build();

    [GeneratedRegex(@"^#{1,6}[ \t]+(zero-shot|few-shot|instruction)[ \t]*(?::(.*))?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CellHeading();

    static readonly IReadOnlyList<string> CommonRoles = CellSyntax.CommonRoles;
    static readonly IReadOnlyDictionary<PromptKind, string[]> KindRoles = CellSyntax.KindRoles;
    static readonly HashSet<string> AllRoles = [.. CommonRoles, .. KindRoles.Values.SelectMany(r => r), MarkdownCellRole];

    // ------------------------------------------------------------------ reading

    /// <summary>Parses a notebook file's text.</summary>
    /// <param name="text">The file's text (a leading BOM is ignored; a file whose first line ends in CRLF is read as LF).</param>
    /// <returns>The notebook.</returns>
    /// <exception cref="NotebookFormatException">The file breaks the format; the message names the line and what was expected.</exception>
    public static Notebook Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith('\uFEFF')) text = text[1..];
        int firstNewline = text.IndexOf('\n');
        if (firstNewline > 0 && text[firstNewline - 1] == '\r') text = text.Replace("\r\n", "\n", StringComparison.Ordinal);

        var notebook = new Notebook();
        int bodyStart = 0, bodyLine = 0;                    // char offset and 0-based file line of the body
        if (text.StartsWith("---\n", StringComparison.Ordinal) || text == "---")
        {
            var lines = new Lines(text);
            int close = -1;
            for (int i = 1; i < lines.Count; i++)
            {
                var l = lines.Text(i).TrimEnd();
                if (l is "---" or "...") { close = i; break; }
            }
            if (close < 0) throw new NotebookFormatException(1, "the front matter that starts with '---' is not closed: expected a '---' line after the YAML");
            ReadFrontMatter(notebook, lines.Slice(1, close), 2);
            bodyLine = close + 1;
            bodyStart = close + 1 < lines.Count ? lines.Start(close + 1) : text.Length;
        }
        else notebook.HasFrontMatter = false;
        new BodyReader(notebook, text[bodyStart..], bodyLine).Read();
        CheckCellCount(notebook);
        return notebook;
    }

    /// <summary>
    /// Cells a notebook may have: 1,000. The editor renders every cell, and a 10,000-cell file took 3 GB and minutes to
    /// open; the largest example has 82.
    /// </summary>
    public const int MaxCells = 1000;

    /// <exception cref="NotebookFormatException">More than <see cref="MaxCells"/> cells.</exception>
    static void CheckCellCount(Notebook notebook)
    {
        if (notebook.Cells.Count > MaxCells)
            throw new NotebookFormatException(null, $"the notebook has {notebook.Cells.Count:N0} cells: notebooks over {MaxCells:N0} cells are refused (split it into several notebooks)");
    }

    /// <summary>The variables as read, refused (with the line of the <c>variables</c> key) when a name would not write.</summary>
    static List<KeyValuePair<string, string>> CheckedVariables(List<KeyValuePair<string, string>> variables, int line)
    {
        foreach (var (name, _) in variables)
            if (!CellSyntax.IsVariableName(name))
                throw new NotebookFormatException(line, $"variable name '{name}' {CellSyntax.VariableNameRule}");
        return variables;
    }

    static void ReadFrontMatter(Notebook notebook, string yaml, int firstLine)
    {
        var map = YamlText.LoadMapping(yaml, firstLine);
        if (map is null) return;
        var yamlLines = new Lines(yaml);
        var keys = map.Children.Keys.ToList();
        var kept = new List<(int From, int To)>();     // 0-based line ranges kept verbatim (unknown keys)
        for (int k = 0; k < keys.Count; k++)
        {
            var keyNode = keys[k];
            var value = map.Children[keyNode];
            var key = YamlText.String(keyNode, firstLine, "a front matter key");
            switch (key)
            {
                case "title": notebook.Title = YamlText.String(value, firstLine, "title"); break;
                case "description": notebook.Description = YamlText.String(value, firstLine, "description"); break;
                case "model": notebook.Model = YamlText.String(value, firstLine, "model"); break;
                case "chat_format": notebook.ChatFormat = YamlText.String(value, firstLine, "chat_format"); break;
                case "decoding": notebook.Decoding = DecodingYaml.Read(value, firstLine); break;
                case "variables": notebook.Variables = CheckedVariables(YamlText.StringMap(value, firstLine, "variables"), YamlText.LineOf(keyNode, firstLine)); break;
                default:
                    // kept as its own lines: from the key's line to the line before the next key, less the blank lines
                    // and the comments on their own line at its end (those belong to the next key)
                    int from = (int)keyNode.Start.Line - 1;
                    int to = k + 1 < keys.Count ? (int)keys[k + 1].Start.Line - 1 : yamlLines.Count;
                    while (to > from + 1 && (yamlLines.Text(to - 1).Trim().Length == 0 || yamlLines.Text(to - 1).StartsWith('#'))) to--;
                    if (keyNode.Start.Column != 1)
                        throw new NotebookFormatException(firstLine + from, $"front matter key '{key}' must start at the beginning of its line");
                    notebook.ExtraFrontMatter.Add(new(key, yamlLines.Slice(from, to)));
                    kept.Add((from, to));
                    break;
            }
        }
        ReadComments(notebook, yaml, firstLine, keys, kept);
    }

    /// <summary>
    /// Comments of the front matter: one on its own line at the start of a line is kept above the key that follows it;
    /// one inside an unknown key's text is kept with that text; any other would be lost by a save, which
    /// <see cref="Notebook.UnkeptComment"/> then refuses.
    /// </summary>
    static void ReadComments(Notebook notebook, string yaml, int firstLine, List<YamlNode> keys, List<(int From, int To)> kept)
    {
        var scanner = new YamlDotNet.Core.Scanner(new StringReader(yaml + "\n"), skipComments: false);
        var lines = new Lines(yaml);
        while (scanner.MoveNext())
        {
            if (scanner.Current is not YamlDotNet.Core.Tokens.Comment comment) continue;
            int line = (int)comment.Start.Line - 1;                      // 0-based in the YAML
            if (kept.Any(r => line >= r.From && line < r.To)) continue;   // part of an unknown key's kept text
            if (!comment.IsInline && comment.Start.Column == 1)
            {
                var next = keys.FirstOrDefault(k => k.Start.Line - 1 > line);
                var key = next is null ? null : YamlText.String(next, firstLine, "a front matter key");
                notebook.FrontMatterComments.Add(new(key, lines.Text(line)));
                continue;
            }
            notebook.UnkeptComment ??= $"front matter line {firstLine + line} has a YAML comment that saving would drop ('{comment.Value.Trim()}', {(comment.IsInline ? "after a value" : "inside a value")}): put it on its own line above a key, or remove it";
        }
    }

    /// <summary>Line table of a text, with the line endings Markdig uses (\n, \r\n, \r).</summary>
    sealed class Lines
    {
        readonly string text;
        readonly List<int> starts = [0];

        public Lines(string text)
        {
            this.text = text;
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                if (text[i] is '\n' or '\r') starts.Add(i + 1);
            }
            if (starts.Count > 1 && starts[^1] == text.Length) starts.RemoveAt(starts.Count - 1);   // no empty line after a final newline
            if (text.Length == 0) starts.Clear();
        }

        public int Count => starts.Count;
        public int Start(int line) => line < starts.Count ? starts[line] : text.Length;

        /// <summary>End of the line's content (before its terminator).</summary>
        public int ContentEnd(int line)
        {
            int end = line + 1 < starts.Count ? starts[line + 1] : text.Length;
            if (end > starts[line] && text[end - 1] == '\n') end--;
            if (end > starts[line] && text[end - 1] == '\r') end--;
            return end;
        }

        public string Text(int line) => text[starts[line]..ContentEnd(line)];

        /// <summary>Lines [from, to) without the last line's terminator.</summary>
        public string Slice(int from, int to) => from >= to ? "" : text[Start(from)..ContentEnd(to - 1)];

        /// <summary>Fence content: lines [from, to) where the writer put one "\n" before the closing fence.</summary>
        public string FenceContent(int from, int to)
        {
            if (from >= to) return "";
            int end = Start(to);
            if (end > 0 && text[end - 1] == '\n') end--;                 // "\r\n" before the fence: the \r is content
            else if (end > 0 && text[end - 1] == '\r') end--;
            return text[Start(from)..Math.Max(Start(from), end)];
        }

        public int LineOf(int offset)
        {
            int i = starts.BinarySearch(offset);
            return i >= 0 ? i : ~i - 1;
        }

        public bool Blank(int line) => string.IsNullOrWhiteSpace(Text(line));
    }

    /// <summary>A heading, fence or marker that gives the body its structure.</summary>
    sealed record Element(int Start, int End, string Kind, string Role, string[] Args, string Heading, bool Closed)
    {
        public bool IsRoleFence => Kind == "fence" && Role != MarkdownCellRole;
    }

    sealed class BodyReader(Notebook notebook, string body, int lineOffset)
    {
        readonly Lines lines = new(body);
        PromptCell? cell;
        bool cellHasBlocks;
        int? markdownStart;
        readonly HashSet<string> seen = [];
        FewShotExample? lastExample;
        bool lastExampleHasOutput;
        readonly Dictionary<string, int> where = [];        // notebook line of the cell's settings and blocks, for CellDataset.Check

        int FileLine(int line) => lineOffset + line + 1;

        public void Read()
        {
            var elements = Structure();
            int pos = 0;
            for (int i = 0; i < elements.Count; i++)
            {
                var e = elements[i];
                if (HasText(pos, e.Start))
                {
                    if (cell is not null && !cellHasBlocks && e.IsRoleFence)
                        cell.Note = NoteText(pos, e.Start);          // prose between the heading and its first block
                    else { EndCell(); markdownStart ??= FirstText(pos, e.Start); }
                }
                pos = e.End + 1;
                switch (e.Kind)
                {
                    case "marker":
                        FlushMarkdown(e.Start); EndCell();
                        break;
                    case "heading":
                        bool opensCell = i + 1 < elements.Count && elements[i + 1].IsRoleFence;
                        if (!opensCell) { EndCell(); markdownStart ??= e.Start; break; }
                        FlushMarkdown(e.Start); EndCell();
                        StartCell(e);
                        break;
                    case "fence" when e.Role == MarkdownCellRole:
                        FlushMarkdown(e.Start); EndCell();
                        RequireClosed(e);
                        notebook.Cells.Add(new MarkdownCell(lines.FenceContent(e.Start + 1, e.End)));
                        break;
                    default:
                        if (cell is null || markdownStart is not null) { markdownStart ??= e.Start; break; }
                        AddBlock(e);
                        break;
                }
            }
            if (HasText(pos, lines.Count)) { EndCell(); markdownStart ??= FirstText(pos, lines.Count); }
            FlushMarkdown(lines.Count);
            EndCell();
        }

        string NoteText(int from, int to)
        {
            int start = FirstText(from, to), end = to;
            while (end > start && lines.Blank(end - 1)) end--;
            return lines.Slice(start, end);
        }

        bool HasText(int from, int to) { for (int l = from; l < to; l++) if (!lines.Blank(l)) return true; return false; }
        int FirstText(int from, int to) { for (int l = from; l < to; l++) if (!lines.Blank(l)) return l; return from; }

        void FlushMarkdown(int before)
        {
            if (markdownStart is not { } start) return;
            int end = before;
            while (end > start && lines.Blank(end - 1)) end--;
            notebook.Cells.Add(new MarkdownCell(lines.Slice(start, end)));
            markdownStart = null;
        }

        /// <summary>Top-level headings that look like cell headings, column-0 fences with a role, and markers, in order.</summary>
        List<Element> Structure()
        {
            var document = Markdown.Parse(body, Pipeline);
            var list = new List<Element>();
            foreach (var block in document)
            {
                if (block.Line >= lines.Count) continue;
                int startLine = block.Line;
                var first = lines.Text(startLine);
                switch (block)
                {
                    case HeadingBlock { IsSetext: false } when CellHeading().Match(first) is { Success: true } m:
                        list.Add(new Element(startLine, startLine, "heading", m.Groups[1].Value, [], m.Groups[2].Success ? m.Groups[2].Value : "", true));
                        break;
                    case FencedCodeBlock fence when first.Length > 0 && first[0] is '`' or '~':
                        var (role, args) = InfoOf(first);
                        if (!AllRoles.Contains(role)) break;
                        int endLine = Math.Max(startLine, lines.LineOf(Math.Max(block.Span.End, block.Span.Start)));
                        bool closed = endLine > startLine && IsClosingFence(lines.Text(endLine), first);
                        if (!closed) endLine = lines.Count - 1 >= startLine ? Math.Max(endLine, lines.Count - 1) : startLine;
                        list.Add(new Element(startLine, endLine, "fence", role, args, "", closed));
                        break;
                    case HtmlBlock when first.TrimEnd() == CellMarker:
                        list.Add(new Element(startLine, startLine, "marker", "", [], "", true));
                        break;
                }
            }
            return list;
        }

        static (string Role, string[] Args) InfoOf(string openingLine)
        {
            char c = openingLine[0];
            int n = 0;
            while (n < openingLine.Length && openingLine[n] == c) n++;
            var words = openingLine[n..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            return words.Length == 0 ? ("", []) : (words[0], words[1..]);
        }

        static bool IsClosingFence(string line, string opening)
        {
            char c = opening[0];
            int open = 0;
            while (open < opening.Length && opening[open] == c) open++;
            var t = line.TrimStart(' ');
            if (line.Length - t.Length > 3) return false;
            int n = 0;
            while (n < t.Length && t[n] == c) n++;
            return n >= open && t[n..].Trim(' ', '\t').Length == 0;
        }

        void RequireClosed(Element e)
        {
            if (!e.Closed)
                throw new NotebookFormatException(FileLine(e.Start), $"the ```{e.Role} block is not closed: expected a closing fence line (```)");
        }

        void StartCell(Element heading)
        {
            PromptCell c = CellSyntax.NewCell(heading.Role);
            c.Name = heading.Heading.Trim();
            cell = c;
            cellHasBlocks = false;
            seen.Clear();
            where.Clear();
            where["heading"] = FileLine(heading.Start);
            lastExample = null;
        }

        void EndCell()
        {
            if (cell is null) return;
            CellDataset.Check(cell, key => where.TryGetValue(key, out var l) ? l : null);
            notebook.Cells.Add(cell);
            cell = null;
        }

        void AddBlock(Element e)
        {
            var c = cell!;
            cellHasBlocks = true;
            RequireClosed(e);
            int line = FileLine(e.Start);
            string role = e.Role;
            string content = lines.FenceContent(e.Start + 1, e.End);
            int contentLine = FileLine(e.Start + 1);
            where.TryAdd("```" + role, line);
            if (!CommonRoles.Contains(role) && !KindRoles[c.Kind].Contains(role))
                throw new NotebookFormatException(line, $"a {KindName(c.Kind)} cell has no ```{role} block (expected one of: {string.Join(", ", CommonRoles.Concat(KindRoles[c.Kind]))})");
            bool single = role is not ("decoding" or "output" or "example" or "example-output");
            if (single && !seen.Add(role)) throw new NotebookFormatException(line, $"the cell already has a ```{role} block");
            if (role is not ("decoding" or "output" or "example" or "cell") && e.Args.Length > 0)
                throw new NotebookFormatException(line, $"```{role} takes no words after it (found '{string.Join(" ", e.Args)}')");

            switch (role)
            {
                case "cell": ReadCellSettings(c, content, contentLine, line, e.Args, where); break;
                case "dataset": c.Dataset = content; c.DatasetLine = contentLine; break;
                case "expected": c.Expected = content; break;
                case "instruction" when c is ZeroShotCell z: z.Instruction = content; break;
                case "instruction" when c is FewShotCell f: f.Instruction = content; break;
                case "input": ((ZeroShotCell)c).Input = content; break;
                case "template": ((FewShotCell)c).Template = content; break;
                case "query": ((FewShotCell)c).Query = content; break;
                case "system": ((InstructionCell)c).System = content; break;
                case "user": ((InstructionCell)c).User = content; break;
                case "example":
                    bool enabled = e.Args switch
                    {
                        [] => true,
                        ["off"] => false,
                        _ => throw new NotebookFormatException(line, $"```example takes only the word 'off' (found '{string.Join(" ", e.Args)}')"),
                    };
                    lastExample = new FewShotExample(content, "", enabled);
                    lastExampleHasOutput = false;
                    ((FewShotCell)c).Examples.Add(lastExample);
                    break;
                case "example-output":
                    if (lastExample is null || lastExampleHasOutput)
                        throw new NotebookFormatException(line, "```example-output must follow an ```example block (each example is an ```example block, then its ```example-output)");
                    lastExample.Output = content;
                    lastExampleHasOutput = true;
                    break;
                case "decoding":
                    if (e.Args.Length != 1) throw new NotebookFormatException(line, "```decoding needs one variant name after it, e.g. ```decoding greedy");
                    if (!CellSyntax.IsVariantName(e.Args[0])) throw new NotebookFormatException(line, $"decoding variant name '{e.Args[0]}' {CellSyntax.VariantNameRule}");
                    if (c.Variants.Any(v => v.Name == e.Args[0])) throw new NotebookFormatException(line, $"the cell already has a decoding variant named '{e.Args[0]}'");
                    var map = YamlText.LoadMapping(content, contentLine);
                    c.Variants.Add(new DecodingVariant(e.Args[0], DecodingYaml.Read(map, contentLine)));
                    break;
                case "output":
                    c.Outputs.Add(ReadOutput(e.Args, content, line));
                    break;
            }
            if (role != "example") { if (role != "example-output") lastExample = null; }
        }

        static void ReadCellSettings(PromptCell c, string yaml, int contentLine, int line, string[] args, Dictionary<string, int> where)
        {
            if (args.Length > 0) throw new NotebookFormatException(line, $"```cell takes no words after it (found '{string.Join(" ", args)}')");
            var map = YamlText.LoadMapping(yaml, contentLine);
            if (map is null) return;
            foreach (var (k, v) in map.Children)
            {
                var key = YamlText.String(k, contentLine, "a cell setting name");
                where[key] = YamlText.LineOf(k, contentLine);
                switch (key)
                {
                    case "model": c.Model = YamlText.String(v, contentLine, "model"); break;
                    case "note": c.Note = YamlText.String(v, contentLine, "note"); break;
                    case "variables": c.Variables = CheckedVariables(YamlText.StringMap(v, contentLine, "variables"), YamlText.LineOf(k, contentLine)); break;
                    case "separator" when c is ZeroShotCell z: z.Separator = YamlText.String(v, contentLine, "separator"); break;
                    case "separator" when c is FewShotCell f: f.Separator = YamlText.String(v, contentLine, "separator"); break;
                    case "chat_format" when c is InstructionCell i: i.ChatFormat = YamlText.String(v, contentLine, "chat_format"); break;
                    case "dataset": c.DatasetFile = YamlText.String(v, contentLine, "dataset"); break;
                    case "expected_column": c.ExpectedColumn = YamlText.String(v, contentLine, "expected_column"); break;
                    case "assert":
                        var name = YamlText.String(v, contentLine, "assert");
                        c.Assert = Assertions.Parse(name) ?? throw new NotebookFormatException(YamlText.LineOf(v, contentLine),
                            $"assert (='{name}') is not an assertion (expected one of: {string.Join(", ", Assertions.Names)})");
                        break;
                    case "choices": c.Choices = YamlText.StringList(v, contentLine, "choices"); break;
                    default:
                        var valid = (c switch { InstructionCell => "model, note, variables, chat_format", _ => "model, note, variables, separator" })
                            + ", dataset, expected_column, assert, choices";
                        throw new NotebookFormatException(YamlText.LineOf(k, contentLine), $"unknown cell setting '{key}' for a {KindName(c.Kind)} cell (expected one of: {valid})");
                }
            }
        }

        static CellOutput ReadOutput(string[] args, string text, int line)
        {
            if (args.Length == 0) throw new NotebookFormatException(line, "```output needs the variant name after it, e.g. ```output greedy tokens=5");
            if (!CellSyntax.IsVariantName(args[0])) throw new NotebookFormatException(line, $"output variant name '{args[0]}' {CellSyntax.VariantNameRule}");
            int? tokens = null; string? finish = null; double? timeMs = null, tps = null; ulong? seed = null; int[]? ids = null;
            foreach (var field in args[1..])
            {
                int eq = field.IndexOf('=');
                string key = eq < 0 ? field : field[..eq], value = eq < 0 ? "" : field[(eq + 1)..];
                try
                {
                    switch (key)
                    {
                        case CellSyntax.OutputField.Tokens: tokens = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture); break;
                        case CellSyntax.OutputField.Finish: finish = value.Length > 0 ? value : throw new FormatException(); break;
                        case CellSyntax.OutputField.TimeMs: timeMs = double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture); break;
                        case CellSyntax.OutputField.TokensPerSecond: tps = double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture); break;
                        case CellSyntax.OutputField.Seed: seed = ulong.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture); break;
                        case CellSyntax.OutputField.Ids: ids = value.Length == 0 ? [] : value.Split(',').Select(id => int.Parse(id, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray(); break;
                        default: throw new NotebookFormatException(line, $"unknown output field '{key}' (expected {CellSyntax.OutputField.Expected})");
                    }
                }
                catch (Exception e) when (e is FormatException or OverflowException)
                {
                    throw new NotebookFormatException(line, $"output field '{field}' has a bad value (expected {CellSyntax.OutputField.Expected})");
                }
            }
            if (ids is not null && tokens is int count && count != ids.Length)
                throw new NotebookFormatException(line, $"output field 'ids' has {ids.Length} token ids but tokens={count}: the two must agree (remove ids, or correct tokens)");
            return new CellOutput { Variant = args[0], Text = text, Tokens = tokens, Finish = finish, TimeMs = timeMs, TokensPerSecond = tps, Seed = seed, TokenIds = ids };
        }
    }

    static string KindName(PromptKind kind) => CellSyntax.Name(kind);
    static string HeadingName(PromptKind kind) => CellSyntax.Heading(kind);
}
