using GptPlayground.Components.Notebooks;

namespace GptPlayground.Tests.Web.Components;

public class NotebookListTests(WebModels models) : IClassFixture<WebModels>, IDisposable
{
    readonly string prompts = Directory.CreateTempSubdirectory("gptplayground-list-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(prompts, recursive: true); } catch (IOException) { }
    }

    IRenderedComponent<NotebookList> Render(ComponentContext ctx)
    {
        var cut = ctx.WithPlayground(models.Directory, prompts).Render<NotebookList>();
        cut.WaitForState(() => !cut.Markup.Contains("Reading"), TimeSpan.FromSeconds(10));
        return cut;
    }

    [Fact]
    public void Lists_title_cells_and_a_broken_file_with_its_error()
    {
        File.WriteAllText(Path.Combine(prompts, "good.md"), "---\ntitle: Good one\n---\n\nText.\n\n## Zero-shot: a\n\n```input\nx\n```\n");
        File.WriteAllText(Path.Combine(prompts, "bad.md"), "---\ntitle: [unclosed\n");
        using var ctx = new ComponentContext();

        var cut = Render(ctx);

        var good = cut.Find("tr[data-notebook='good.md']");
        Assert.Contains("Good one", good.TextContent);
        Assert.Equal("2", good.QuerySelectorAll("td")[2].TextContent);
        Assert.NotEmpty(cut.Find("tr[data-notebook='bad.md'] [role=alert]").TextContent);
    }

    [Fact]
    public void New_duplicate_rename_and_delete()
    {
        using var ctx = new ComponentContext();
        var cut = Render(ctx);

        cut.Find("input[aria-label='New notebook name']").Change("first");
        cut.Find("button[aria-label='New notebook']").Click();
        cut.WaitForState(() => cut.FindAll("button[aria-label='Duplicate first.md']").Count == 1);

        cut.Find("button[aria-label='Duplicate first.md']").Click();   // Radzen buttons finish their click asynchronously: wait for each effect
        cut.WaitForState(() => cut.FindAll("tr[data-notebook]").Count == 2 && cut.FindAll("button[aria-label='Rename first.md']").Count == 1);

        cut.Find("button[aria-label='Rename first.md']").Click();
        cut.WaitForState(() => cut.FindAll("input[aria-label='New name for first.md']").Count == 1);
        cut.Find("input[aria-label='New name for first.md']").Change("renamed.md");
        cut.Find("button[aria-label='Confirm rename']").Click();
        cut.WaitForState(() => cut.FindAll("button[aria-label='Delete renamed.md']").Count == 1);

        cut.Find("button[aria-label='Delete renamed.md']").Click();
        cut.WaitForState(() => !File.Exists(Path.Combine(prompts, "renamed.md")));
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("tr[data-notebook]")));
        Assert.Contains("trash", cut.Find("[role=alert]").TextContent);
    }
}
