using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GptPlayground.Notebooks;

/// <summary>
/// The YAML this format writes (by hand, so that the bytes are stable) and reads (with YamlDotNet, so that
/// hand-edited YAML works). Strings are written plain when that is unambiguous, as a literal block when they
/// span several lines, else double-quoted with escapes; every choice but plain is checked by parsing it back.
/// </summary>
static partial class YamlText
{
    static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
        { "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", "nan", ".nan", ".inf", "-.inf" };

    [GeneratedRegex(@"^[\p{L}\p{N}][\p{L}\p{N} _.,!?'()/+\-]*\z")]
    private static partial Regex PlainSafe();

    /// <summary>A mapping entry "key: value" (possibly several lines) at <paramref name="indent"/> spaces.</summary>
    public static void WriteEntry(StringBuilder sb, int indent, string key, string value)
    {
        sb.Append(' ', indent).Append(key).Append(':');
        var scalar = Scalar(value, indent + 2);
        if (scalar.StartsWith('|')) sb.Append(' ').Append(scalar);      // literal block: header then lines, ends with \n
        else sb.Append(' ').Append(scalar).Append('\n');
    }

    /// <summary>The YAML form of a string value; a literal block ends with "\n", the other forms have none.</summary>
    public static string Scalar(string value, int blockIndent)
    {
        if (value.Length > 0 && value[^1] != ' ' && PlainSafe().IsMatch(value) && !Reserved.Contains(value)) return value;
        if (LiteralCandidate(value) && Literal(value, blockIndent) is { } literal && ParsesBackTo(literal, value, blockIndent - 2)) return literal;
        return DoubleQuoted(value);
    }

    static bool LiteralCandidate(string value)
    {
        if (!value.Contains('\n')) return false;
        int nonBlankLines = 0;
        foreach (var line in value.Split('\n'))
            if (line.Trim().Length > 0) nonBlankLines++;
        if (nonBlankLines < 2) return false;
        foreach (var c in value)
            if (c != '\n' && c != '\t' && (char.IsControl(c) || c is '\u2028' or '\u2029' or '\uFEFF' or '\uFFFE' or '\uFFFF'))
                return false;
        return !HasLoneSurrogate(value);
    }

    static bool HasLoneSurrogate(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i])) { if (i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; } return true; }
            if (char.IsLowSurrogate(s[i])) return true;
        }
        return false;
    }

    static string? Literal(string value, int indent)
    {
        var body = value;
        string chomp;
        if (!body.EndsWith('\n')) chomp = "-";
        else if (!body.EndsWith("\n\n", StringComparison.Ordinal)) { chomp = ""; body = body[..^1]; }
        else { chomp = "+"; body = body[..^1]; }
        var sb = new StringBuilder("|");
        if (value.StartsWith(' ') || value.StartsWith('\n')) sb.Append('2');       // relative to the key's indentation
        sb.Append(chomp).Append('\n');
        foreach (var line in body.Split('\n'))
        {
            if (line.Length > 0) sb.Append(' ', indent).Append(line);
            sb.Append('\n');
        }
        return sb.ToString();
    }

    static bool ParsesBackTo(string literal, string value, int keyIndent)
    {
        try
        {
            var node = LoadMapping(new string(' ', keyIndent) + "k: " + literal[..^1], 1);
            return node?.Children.Count == 1 && node.Children.First().Value is YamlScalarNode s && s.Value == value;
        }
        catch (NotebookFormatException) { return false; }
    }

    /// <summary>A double-quoted scalar; escapes every character YAML would not read back as itself.</summary>
    public static string DoubleQuoted(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\0': sb.Append("\\0"); break;
                case '\u0085': sb.Append("\\N"); break;
                case '\u2028': sb.Append("\\L"); break;
                case '\u2029': sb.Append("\\P"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) { sb.Append(c).Append(value[++i]); }
                    else if (c < 0x20 || c is >= '\u007F' and <= '\u009F' or '\uFEFF' or '\uFFFE' or '\uFFFF' || char.IsSurrogate(c))
                        sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>
    /// Parses a YAML document that must be a mapping (or empty, which gives null).
    /// </summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="firstLine">1-based file line of the text's first line, for messages.</param>
    /// <exception cref="NotebookFormatException">Not YAML, or not a mapping.</exception>
    public static YamlMappingNode? LoadMapping(string text, int firstLine)
    {
        var stream = new YamlStream();
        try
        {
            // the text never holds its last line's terminator (the fence or '---' line follows): put it back, a
            // literal block scalar at the end keeps its newlines only with it
            stream.Load(new StringReader(text + "\n"));
        }
        catch (YamlException e)
        {
            throw new NotebookFormatException(firstLine + (int)Math.Max(0, e.Start.Line - 1), $"invalid YAML: {Clean(e)}");
        }
        catch (Exception e) when (e is not NotebookFormatException)
        {
            throw new NotebookFormatException(firstLine, $"invalid YAML: {e.Message}");
        }
        if (stream.Documents.Count == 0) return null;
        if (stream.Documents.Count > 1) throw new NotebookFormatException(firstLine, "expected one YAML document, found several ('---' inside the block?)");
        var root = stream.Documents[0].RootNode;
        if (root is YamlMappingNode map) return map;
        if (root is YamlScalarNode { Value: null or "" } ) return null;
        throw new NotebookFormatException(LineOf(root, firstLine), "expected a YAML mapping of 'key: value' lines");
    }

    static string Clean(YamlException e)
    {
        var m = e.Message;
        // YamlDotNet prefixes "(Line: 3, Col: 1, Idx: 20) - (Line: ...): " to its messages.
        int i = m.IndexOf("): ", StringComparison.Ordinal);
        return (i >= 0 && m.StartsWith("(Line", StringComparison.Ordinal) ? m[(i + 3)..] : m).ReplaceLineEndings(" ");
    }

    /// <summary>The file line of a node.</summary>
    public static int LineOf(YamlNode node, int firstLine) => firstLine + (int)Math.Max(0, node.Start.Line - 1);

    /// <summary>A scalar's string value.</summary>
    /// <exception cref="NotebookFormatException">The node is not a scalar.</exception>
    public static string String(YamlNode node, int firstLine, string what)
    {
        if (node is YamlScalarNode s) return s.Value ?? "";      // text fields take the scalar as written ("~" stays "~")
        throw new NotebookFormatException(LineOf(node, firstLine), $"{what} must be a text value, not a {(node is YamlMappingNode ? "mapping" : "list")}");
    }

    /// <summary>Reads a list of text values (a cell's choices), in order.</summary>
    /// <exception cref="NotebookFormatException">The node is not a list of text values.</exception>
    public static List<string> StringList(YamlNode node, int firstLine, string what)
    {
        if (node is YamlScalarNode { Value: null or "" }) return [];
        if (node is not YamlSequenceNode list)
            throw new NotebookFormatException(LineOf(node, firstLine), $"{what} must be a list, e.g. {what}: [positive, negative]");
        return list.Children.Select(item => String(item, firstLine, $"an item of {what}")).ToList();
    }

    /// <summary>Reads a mapping of string to string (variables), in order.</summary>
    public static List<KeyValuePair<string, string>> StringMap(YamlNode node, int firstLine, string what)
    {
        var list = new List<KeyValuePair<string, string>>();
        if (node is YamlScalarNode { Value: null or "" }) return list;
        if (node is not YamlMappingNode map)
            throw new NotebookFormatException(LineOf(node, firstLine), $"{what} must be a mapping of 'name: value' lines");
        foreach (var (k, v) in map.Children)
        {
            var key = String(k, firstLine, $"a name in {what}");
            if (list.Any(p => p.Key == key)) throw new NotebookFormatException(LineOf(k, firstLine), $"{what}: '{key}' is given twice");
            list.Add(new(key, String(v, firstLine, $"{what}.{key}")));
        }
        return list;
    }
}

static partial class YamlText
{
    /// <summary>Plain when unambiguous, else double-quoted (never a block): for list items and short values.</summary>
    public static string DoubleQuotedUnlessPlain(string value) =>
        value.Length > 0 && value[^1] != ' ' && PlainSafe().IsMatch(value) && !Reserved.Contains(value) && !LooksNumeric(value) ? value : DoubleQuoted(value);

    static bool LooksNumeric(string value) => double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
}
