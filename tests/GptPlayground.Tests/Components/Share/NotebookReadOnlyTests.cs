using GptPlayground.Components.Share;
using GptPlayground.Tests.Web;

namespace GptPlayground.Tests.Components.Share;

public class NotebookReadOnlyTests(WebModels models) : IClassFixture<WebModels>, IDisposable
{
    readonly string prompts = Directory.CreateTempSubdirectory("gptplayground-view-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(prompts, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Shows_markdown_safely_prompts_variants_and_saved_outputs_without_edit_controls()
    {
        File.WriteAllText(Path.Combine(prompts, "shared.md"), """
            ---
            title: Shared
            model: tiny
            ---

            Hello <img src=x onerror=alert(1)> [x](javascript:alert(1))

            ## Few-shot: plural

            ```example
            cat
            ```

            ```example-output
            cats
            ```

            ```query
            dog
            ```

            ```decoding greedy
            do_sample: false
            ```

            ```output greedy
            dogs
            ```
            """);
        using var ctx = new ComponentContext();

        var cut = ctx.WithPlayground(models.Directory, prompts).Render<NotebookReadOnly>(p => p.Add(x => x.Name, "shared.md"));

        Assert.Equal("Shared", cut.Find("h1").TextContent);
        Assert.Empty(cut.FindAll("img, textarea, input, button"));
        Assert.DoesNotContain("javascript:", cut.Markup);
        Assert.Equal("Few-shot: plural", cut.Find(".ro-cell h2").TextContent);
        Assert.Equal("Q: cat\nA: cats\n\nQ: dog\nA:", cut.Find(".ro-prompt").TextContent);
        Assert.Contains("dogs", cut.Find("[data-variant='greedy']").TextContent);
        Assert.Equal("download/shared.md", cut.Find("a[download]").GetAttribute("href"));
    }

    [Fact]
    public void Missing_notebook_shows_an_error()
    {
        using var ctx = new ComponentContext();

        var cut = ctx.WithPlayground(models.Directory, prompts).Render<NotebookReadOnly>(p => p.Add(x => x.Name, "nope.md"));

        Assert.Contains("nope.md", cut.Find("[role=alert]").TextContent);
    }
}
