using System.Text.RegularExpressions;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace GptPlayground.Components.Share;

/// <summary>
/// Markdown to HTML that cannot run script in a reader's browser: raw HTML is shown as text (Markdig's
/// <c>DisableHtml</c>), and links or images whose address has a scheme other than http, https or mailto
/// (<c>javascript:</c>, <c>data:</c>, <c>vbscript:</c>, ...) are dropped: a link keeps its text, an image its alt text.
/// </summary>
public static partial class SafeMarkdown
{
    static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .DisableHtml()
        .Build();

    static readonly HashSet<string> SafeSchemes = new(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto" };

    [GeneratedRegex(@"^([a-zA-Z][a-zA-Z0-9+.\-]*):")]
    private static partial Regex Scheme();

    /// <summary>Renders <paramref name="markdown"/> to safe HTML.</summary>
    public static string ToHtml(string markdown)
    {
        var document = Markdown.Parse(markdown ?? "", Pipeline);
        foreach (var link in document.Descendants<LinkInline>().ToList())
            if (!IsSafe(link.Url)) Unlink(link);
        foreach (var auto in document.Descendants<AutolinkInline>().ToList())
            if (!IsSafe(auto.Url)) auto.ReplaceBy(new LiteralInline(auto.Url ?? ""));
        return document.ToHtml(Pipeline);
    }

    /// <summary>
    /// True for relative addresses and http, https and mailto. Control characters and whitespace are removed first,
    /// as browsers do ("java\tscript:" is javascript:), and an address that still starts like a scheme must name a safe one.
    /// </summary>
    public static bool IsSafe(string? url)
    {
        if (string.IsNullOrEmpty(url)) return true;
        var compact = new string(url.Where(c => !char.IsControl(c) && !char.IsWhiteSpace(c)).ToArray());
        if (compact.Contains("&#", StringComparison.Ordinal) || compact.Contains('\\')) return false;   // entity or escape tricks: not worth the risk
        var match = Scheme().Match(compact);
        return !match.Success || SafeSchemes.Contains(match.Groups[1].Value);
    }

    /// <summary>Replaces a link or image by its content (text, or an image's alt text).</summary>
    static void Unlink(LinkInline link)
    {
        if (link.Parent is null) return;
        if (link.IsImage)
        {
            var alt = string.Concat(link.Descendants<LiteralInline>().Select(l => l.Content.ToString()));
            link.ReplaceBy(new LiteralInline(alt));
            return;
        }
        var children = link.ToList();
        Inline anchor = link;
        foreach (var child in children)
        {
            child.Remove();
            anchor.InsertAfter(child);
            anchor = child;
        }
        link.Remove();
    }
}
