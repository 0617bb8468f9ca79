using System.Net;

namespace GptPlayground.Tests.Web;

/// <summary>The notebook pages and the download endpoint as the server prerenders them, over a temp prompts folder.</summary>
public class NotebookPagesTests(WebModels models) : IClassFixture<WebModels>, IDisposable
{
    readonly string prompts = Directory.CreateTempSubdirectory("gptplayground-pages-").FullName;

    const string Example = """
        ---
        title: Sentiment demo
        model: tiny
        decoding:
          max_new_tokens: 8
        ---

        Intro with <script>alert('x')</script> and [click](javascript:alert(1)) and [docs](https://example.com).

        ## Zero-shot: review

        ```input
        Review: great film
        Sentiment:
        ```

        ```decoding greedy
        do_sample: false
        ```

        ```decoding balanced
        do_sample: true
        temperature: 0.7
        top_p: 0.9
        ```
        """;

    public void Dispose()
    {
        try { Directory.Delete(prompts, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Home_lists_notebooks_with_title_cell_count_and_actions()
    {
        File.WriteAllText(Path.Combine(prompts, "sentiment.md"), Example);
        await using var factory = PlaygroundFactory.Create(models.Directory, promptsDirectory: prompts);

        var html = await factory.CreateClient().GetStringAsync("/");

        Assert.Contains("Sentiment demo", html);
        Assert.Contains("href=\"notebooks/sentiment.md\"", html);
        Assert.Matches(@"<td[^>]*>2</td>", html);
        Assert.Contains("aria-label=\"Duplicate sentiment.md\"", html);
        Assert.Contains("aria-label=\"Rename sentiment.md\"", html);
        Assert.Contains("aria-label=\"Delete sentiment.md\"", html);
        Assert.Contains("href=\"download/sentiment.md\"", html);
    }

    [Fact]
    public async Task Editor_shows_cells_preview_variant_columns_and_the_named_buttons()
    {
        File.WriteAllText(Path.Combine(prompts, "sentiment.md"), Example);
        await using var factory = PlaygroundFactory.Create(models.Directory, promptsDirectory: prompts);

        var html = await factory.CreateClient().GetStringAsync("/notebooks/sentiment.md");

        foreach (var label in new[] { "Run cell", "Run all", "Cancel", "Add cell", "Add variant", "Save", "Token view" })
            Assert.True(html.Contains($"aria-label=\"{label}\""), $"no button labelled {label}");
        Assert.Contains("data-variant=\"greedy\"", html);
        Assert.Contains("data-variant=\"balanced\"", html);
        Assert.Contains("Review: great film&#xA;Sentiment:", html);
        Assert.Matches(@"\d+ tokens of \d+", html);
        Assert.DoesNotContain("<script>alert", html);
    }

    [Fact]
    public async Task Share_view_renders_markdown_without_raw_html_or_script_links()
    {
        File.WriteAllText(Path.Combine(prompts, "sentiment.md"), Example);
        await using var factory = PlaygroundFactory.Create(models.Directory, promptsDirectory: prompts);

        var html = await factory.CreateClient().GetStringAsync("/view/sentiment.md");

        Assert.Contains("Sentiment demo", html);
        Assert.Contains("&lt;script&gt;", html);
        Assert.DoesNotContain("<script>alert", html);
        Assert.DoesNotContain("javascript:", html);
        Assert.Contains("href=\"https://example.com\"", html);
        Assert.Contains("Review: great film", html);
        Assert.DoesNotContain("aria-label=\"Save\"", html);
    }

    [Fact]
    public async Task Share_view_of_a_missing_notebook_is_a_404_and_the_share_view_is_plain_html_without_scripts()
    {
        File.WriteAllText(Path.Combine(prompts, "sentiment.md"), Example);
        await using var factory = PlaygroundFactory.Create(models.Directory, promptsDirectory: prompts);
        var client = factory.CreateClient();

        var missing = await client.GetAsync("/view/nope.md");
        var shown = await client.GetStringAsync("/view/sentiment.md");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("There is no page at this address", await missing.Content.ReadAsStringAsync());   // the not-found page, re-executed
        Assert.DoesNotContain("<script", shown);
        Assert.DoesNotContain("blazor.web", shown);
    }

    [Fact]
    public async Task Download_returns_the_file_as_markdown_and_refuses_names_outside_the_folder()
    {
        File.WriteAllText(Path.Combine(prompts, "sentiment.md"), Example);
        await using var factory = PlaygroundFactory.Create(models.Directory, promptsDirectory: prompts);
        var client = factory.CreateClient();

        var response = await client.GetAsync("/download/sentiment.md");
        var missing = await client.GetAsync("/download/nope.md");
        var outside = await client.GetAsync("/download/..%2F..%2Fetc%2Fpasswd");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/markdown", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Example, await response.Content.ReadAsStringAsync());
        Assert.Equal("sentiment.md", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.DoesNotContain(prompts, await missing.Content.ReadAsStringAsync());   // no server paths in responses
        Assert.NotEqual(HttpStatusCode.OK, outside.StatusCode);
    }

    [Fact]
    public async Task Download_of_a_non_utf8_or_oversized_file_is_a_4xx_with_a_message()
    {
        File.WriteAllBytes(Path.Combine(prompts, "latin1.md"), [(byte)'a', 0xE9, (byte)'\n']);
        File.WriteAllText(Path.Combine(prompts, "huge.md"), new string('x', 6 * 1024 * 1024));
        await using var factory = PlaygroundFactory.Create(models.Directory, promptsDirectory: prompts);
        var client = factory.CreateClient();

        var latin1 = await client.GetAsync("/download/latin1.md");
        var huge = await client.GetAsync("/download/huge.md");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, latin1.StatusCode);
        Assert.Contains("not valid UTF-8", await latin1.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Contains("over 5 MB", await huge.Content.ReadAsStringAsync());
        Assert.DoesNotContain(prompts, await huge.Content.ReadAsStringAsync());
    }
}
