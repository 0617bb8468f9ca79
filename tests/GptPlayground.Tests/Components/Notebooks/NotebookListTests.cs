using GptPlayground.Components.Notebooks;
using GptPlayground.Notebooks;
using GptPlayground.Tests.Web;

namespace GptPlayground.Tests.Components.Notebooks;

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

        cut.Find("input[aria-label='New notebook name']").Input("first");
        cut.Find("button[aria-label='New notebook']").Click();
        cut.WaitForState(() => cut.FindAll("button[aria-label='Duplicate first.md']").Count == 1);

        cut.Find("button[aria-label='Duplicate first.md']").Click();   // Radzen buttons finish their click asynchronously: wait for each effect
        cut.WaitForState(() => cut.FindAll("tr[data-notebook]").Count == 2 && cut.FindAll("button[aria-label='Rename first.md']").Count == 1);

        cut.Find("button[aria-label='Rename first.md']").Click();
        cut.WaitForState(() => cut.FindAll("input[aria-label='New name for first.md']").Count == 1);
        cut.Find("input[aria-label='New name for first.md']").Input("renamed.md");
        cut.Find("button[aria-label='Confirm rename']").Click();
        cut.WaitForState(() => cut.FindAll("button[aria-label='Delete renamed.md']").Count == 1);

        cut.Find("button[aria-label='Delete renamed.md']").Click();
        cut.WaitForState(() => !File.Exists(Path.Combine(prompts, "renamed.md")));
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("tr[data-notebook]")));
        ctx.Snackbars.WaitForAssertion(() => Assert.Contains("Moved renamed.md to the trash", ctx.Snackbars.Markup));
    }

    [Fact]
    public void Delete_offers_undo_in_a_snackbar_which_brings_the_file_back_from_the_trash()
    {
        File.WriteAllText(Path.Combine(prompts, "keep me.md"), "---\ntitle: Keep\n---\n\nText.\n");
        using var ctx = new ComponentContext();
        var cut = Render(ctx);
        var snackbars = ctx.Snackbars;

        cut.Find("button[aria-label='Delete keep me.md']").Click();
        cut.WaitForState(() => !File.Exists(Path.Combine(prompts, "keep me.md")));
        snackbars.WaitForAssertion(() => Assert.Contains("Moved keep me.md to the trash", snackbars.Markup));
        snackbars.FindAll("button").First(b => b.TextContent.Trim() == "Undo").Click();

        cut.WaitForState(() => File.Exists(Path.Combine(prompts, "keep me.md")), TimeSpan.FromSeconds(5));
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("tr[data-notebook='keep me.md']")));
        Assert.Equal("---\ntitle: Keep\n---\n\nText.\n", File.ReadAllText(Path.Combine(prompts, "keep me.md")));
        Assert.Contains("Restored keep me.md", cut.Find("[role=alert]").TextContent);
    }

    [Fact]
    public void Upload_is_a_button_that_saves_a_parsing_md_under_a_free_name()
    {
        File.WriteAllText(Path.Combine(prompts, "mine.md"), "---\ntitle: Existing\n---\n\nText.\n");
        using var ctx = new ComponentContext();
        var cut = Render(ctx);

        Assert.Equal("Upload .md", cut.Find("button[aria-label='Upload .md']").TextContent.Trim());
        Assert.True(cut.Find("input[type=file][aria-label='Upload a notebook (.md)']").HasAttribute("hidden"));   // no native "Choose File"
        cut.FindComponent<Microsoft.AspNetCore.Components.Forms.InputFile>().UploadFiles(
            InputFileContent.CreateFromText("---\ntitle: Uploaded\n---\n\n## Zero-shot: a\n\n```input\nx\n```\n", "mine.md"));

        cut.WaitForState(() => File.Exists(Path.Combine(prompts, "mine-2.md")), TimeSpan.FromSeconds(5));
        cut.WaitForAssertion(() => Assert.Contains("Uploaded mine-2.md", cut.Find("[role=alert]").TextContent));
        Assert.Contains("Uploaded", cut.Find("tr[data-notebook='mine-2.md']").TextContent);
    }

    [Fact]
    public void Upload_of_a_file_that_does_not_parse_says_why_and_saves_nothing()
    {
        using var ctx = new ComponentContext();
        var cut = Render(ctx);

        cut.FindComponent<Microsoft.AspNetCore.Components.Forms.InputFile>().UploadFiles(InputFileContent.CreateFromText("---\ntitle: [unclosed\n", "broken.md"));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.Find("[role=alert]").TextContent));
        Assert.Empty(Directory.GetFiles(prompts, "*.md"));
    }

    [Fact]
    public void A_name_over_the_limit_is_refused_with_a_message_naming_the_limit_and_no_server_path()
    {
        // issue 14, bug 5: a 300-character name showed a raw IOException with the internal temp file's path
        using var ctx = new ComponentContext();
        var cut = Render(ctx);

        cut.Find("input[aria-label='New notebook name']").Input(new string('n', 300));
        cut.Find("button[aria-label='New notebook']").Click();

        cut.WaitForAssertion(() => Assert.Contains($"at most {NotebookStorage.MaxNamePartBytes} bytes", cut.Find("[role=alert]").TextContent));
        var message = cut.Find("[role=alert]").TextContent;
        Assert.DoesNotContain(prompts, message);
        Assert.DoesNotContain(".tmp", message);
        Assert.Empty(Directory.GetFiles(prompts, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Deleting_a_name_with_a_space_keeps_the_space_in_the_trash_file()
    {
        // issue 14, bug 6: "renamed-nb copy.md" went to .trash/renamed-nb%20copy.md~...Z.md
        File.WriteAllText(Path.Combine(prompts, "renamed-nb copy.md"), "---\ntitle: Copy\n---\n\nText.\n");
        using var ctx = new ComponentContext();
        var cut = Render(ctx);

        cut.Find("button[aria-label='Delete renamed-nb copy.md']").Click();
        cut.WaitForState(() => !File.Exists(Path.Combine(prompts, "renamed-nb copy.md")));

        var trashed = Path.GetFileName(Assert.Single(Directory.GetFiles(Path.Combine(prompts, NotebookStorage.TrashFolder))));
        Assert.StartsWith("renamed-nb copy.md~", trashed);
    }
}
