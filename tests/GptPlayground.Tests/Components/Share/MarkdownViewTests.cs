using GptPlayground.Components.Share;

namespace GptPlayground.Tests.Components.Share;

public class MarkdownViewTests
{
    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("<div onclick=\"alert(1)\">x</div>")]
    [InlineData("text <iframe src=\"https://example.com\"></iframe>")]
    public void Raw_html_is_shown_as_text_never_as_elements(string markdown)
    {
        using var ctx = new ComponentContext();

        var cut = ctx.Render<MarkdownView>(p => p.Add(x => x.Text, markdown));

        Assert.Empty(cut.FindAll("script, img, iframe, [onclick], [onerror]"));
        Assert.Contains("<", cut.Find(".markdown-view").TextContent);
    }

    [Theory]
    [InlineData("[x](javascript:alert(1))")]
    [InlineData("[x](JAVASCRIPT:alert(1))")]
    [InlineData("[x](java\tscript:alert(1))")]
    [InlineData("[x](data:text/html;base64,PHNjcmlwdD4=)")]
    [InlineData("[x](vbscript:msgbox)")]
    [InlineData("[x][r]\n\n[r]: javascript:alert(1)")]
    [InlineData("<javascript:alert(1)>")]
    [InlineData("![alt](javascript:alert(1))")]
    public void Unsafe_links_are_dropped_keeping_their_text(string markdown)
    {
        using var ctx = new ComponentContext();

        var cut = ctx.Render<MarkdownView>(p => p.Add(x => x.Text, markdown));

        Assert.Empty(cut.FindAll("a, img"));
        Assert.DoesNotMatch("(?i)(href|src)=", cut.Markup);
    }

    [Theory]
    [InlineData("[site](https://example.com/a)", "https://example.com/a")]
    [InlineData("[mail](mailto:a@example.com)", "mailto:a@example.com")]
    [InlineData("[rel](other.md#part)", "other.md#part")]
    public void Safe_links_stay(string markdown, string href)
    {
        using var ctx = new ComponentContext();

        var cut = ctx.Render<MarkdownView>(p => p.Add(x => x.Text, markdown));

        Assert.Equal(href, cut.Find("a").GetAttribute("href"));
    }

    [Fact]
    public void Markdown_formatting_renders()
    {
        using var ctx = new ComponentContext();

        var cut = ctx.Render<MarkdownView>(p => p.Add(x => x.Text, "# Title\n\nSome **bold** and `code`."));

        Assert.Equal("Title", cut.Find("h1").TextContent);
        Assert.Equal("bold", cut.Find("strong").TextContent);
    }
}
