using System.Text;

namespace GptPlayground.Notebooks.Templates;

/// <summary>A chat template that cannot be parsed or rendered (unsupported construct, raise_exception, bad value).</summary>
/// <param name="message">What went wrong, naming the limit when one was passed.</param>
/// <param name="overBudget">The render ran past one of its <see cref="JinjaLimits"/> budgets (steps, output, string or list size).</param>
public sealed class ChatTemplateException(string message, bool overBudget = false) : Exception(message)
{
    /// <summary>The render ran past a budget of <see cref="JinjaLimits"/>: rendering the same template again would do the same work for nothing.</summary>
    public bool OverBudget { get; } = overBudget;
}

/// <summary>One piece of template source: literal text, an expression <c>{{ }}</c> or a statement <c>{% %}</c>.</summary>
sealed record Segment(SegmentKind Kind, string Text, int Offset);

enum SegmentKind { Text, Output, Statement }

/// <summary>
/// Splits template source into segments with Jinja's whitespace rules as Hugging Face configures them:
/// <c>trim_blocks</c> (the newline after a block tag is removed), <c>lstrip_blocks</c> (spaces before a block tag on its
/// line are removed), and <c>-</c> / <c>+</c> modifiers on tags.
/// </summary>
static class JinjaLexer
{
    public static List<Segment> Split(string source)
    {
        var raw = new List<(SegmentKind Kind, string Text, int Offset, bool StripBefore, bool StripAfter, bool KeepBefore, bool Block)>();
        int i = 0;
        var text = new StringBuilder();
        int textStart = 0;
        while (i < source.Length)
        {
            if (source[i] == '{' && i + 1 < source.Length && source[i + 1] is '{' or '%' or '#')
            {
                char kind = source[i + 1];
                string close = kind switch { '{' => "}}", '%' => "%}", _ => "#}" };
                int end = kind == '#' ? source.IndexOf(close, i + 2, StringComparison.Ordinal) : FindClose(source, i + 2, close);
                if (end < 0) throw new ChatTemplateException($"unclosed {{{kind} at offset {i}");
                if (text.Length > 0) { raw.Add((SegmentKind.Text, text.ToString(), textStart, false, false, false, false)); text.Clear(); }
                var inner = source[(i + 2)..end];
                bool stripBefore = inner.StartsWith('-'), keepBefore = inner.StartsWith('+');
                if (stripBefore || keepBefore) inner = inner[1..];
                bool stripAfter = inner.EndsWith('-');
                if (stripAfter || inner.EndsWith('+')) inner = inner[..^1];
                var segKind = kind switch { '{' => SegmentKind.Output, '%' => SegmentKind.Statement, _ => SegmentKind.Text };
                raw.Add((segKind, kind == '#' ? "" : inner.Trim(), i, stripBefore, stripAfter, keepBefore, kind != '{'));
                i = end + 2;
                textStart = i;
                continue;
            }
            text.Append(source[i]);
            i++;
        }
        if (text.Length > 0) raw.Add((SegmentKind.Text, text.ToString(), textStart, false, false, false, false));

        // whitespace control, applied to the text segments around tags
        var texts = raw.Select(r => r.Text).ToArray();
        for (int k = 0; k < raw.Count; k++)
        {
            var r = raw[k];
            if (r.Kind == SegmentKind.Text && !r.Block) continue;
            if (k > 0 && raw[k - 1].Kind == SegmentKind.Text && !raw[k - 1].Block)
            {
                if (r.StripBefore) texts[k - 1] = texts[k - 1].TrimEnd();
                else if (r.Block && !r.KeepBefore)
                {
                    // lstrip_blocks: spaces/tabs between the start of the line (in the source) and the tag
                    var orig = raw[k - 1].Text;
                    int j = orig.Length;
                    while (j > 0 && orig[j - 1] is ' ' or '\t') j--;
                    bool atLineStart = j > 0 ? orig[j - 1] == '\n' : k - 1 == 0;
                    if (atLineStart) texts[k - 1] = texts[k - 1].TrimEnd(' ', '\t');
                }
            }
            if (k + 1 < raw.Count && raw[k + 1].Kind == SegmentKind.Text && !raw[k + 1].Block)
            {
                if (r.StripAfter) texts[k + 1] = texts[k + 1].TrimStart();
                else if (r.Block)
                {
                    // trim_blocks: the first newline after a block tag
                    var t = texts[k + 1];
                    if (t.StartsWith("\r\n", StringComparison.Ordinal)) texts[k + 1] = t[2..];
                    else if (t.StartsWith('\n')) texts[k + 1] = t[1..];
                }
            }
        }
        var result = new List<Segment>();
        for (int k = 0; k < raw.Count; k++)
        {
            if (raw[k].Kind == SegmentKind.Text && raw[k].Block) continue;        // comment
            if (raw[k].Kind == SegmentKind.Text && texts[k].Length == 0) continue;
            result.Add(new Segment(raw[k].Kind, texts[k], raw[k].Offset));
        }
        return result;
    }

    /// <summary>The closing delimiter, skipping string literals and nested braces (<c>{{ {'a': {'b': 1}} }}</c>).</summary>
    static int FindClose(string s, int from, string close)
    {
        char quote = '\0';
        int depth = 0;
        for (int i = from; i < s.Length - 1; i++)
        {
            char c = s[i];
            if (quote != '\0')
            {
                if (c == '\\') { i++; continue; }
                if (c == quote) quote = '\0';
                continue;
            }
            if (c is '\'' or '"') { quote = c; continue; }
            if (c == '{') { depth++; continue; }
            if (c == '}' && depth > 0) { depth--; continue; }
            if (c == close[0] && s[i + 1] == close[1]) return i;
        }
        return -1;
    }
}
