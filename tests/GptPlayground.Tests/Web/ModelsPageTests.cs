using System.Net;
using System.Text.Encodings.Web;
using GptPlayground.Inference.Models;

namespace GptPlayground.Tests.Web;

/// <summary>The Models page as the server prerenders it.</summary>
public class ModelsPageTests(WebModels models) : IClassFixture<WebModels>
{
    [Fact]
    public async Task Models_page_lists_each_folder_with_its_card_or_its_error()
    {
        await using var factory = PlaygroundFactory.Create(models.Directory);
        var brokenError = new ModelCatalog(models.Directory).List().Single(e => e.Name == "broken").Status["error: ".Length..];

        var response = await factory.CreateClient().GetAsync("/models");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(">tiny</h2>", html);
        Assert.Contains(">broken</h2>", html);
        Assert.Contains(HtmlEncoder.Default.Encode(brokenError), html);
        Assert.Matches(@"<dt[^>]*>Layers</dt>\s*<dd[^>]*>1</dd>", html);
        Assert.Matches(@"<dt[^>]*>Hidden</dt>\s*<dd[^>]*>32 \(head 16\)</dd>", html);
    }

    [Fact]
    public async Task Loadable_model_gets_load_button_and_try_panel_and_broken_one_does_not()
    {
        await using var factory = PlaygroundFactory.Create(models.Directory);

        var html = await factory.CreateClient().GetStringAsync("/models");

        Assert.Contains("aria-label=\"Load tiny\"", html);
        Assert.DoesNotContain("aria-label=\"Load broken\"", html);
        Assert.Single(AllIndexes(html, "aria-label=\"Generate\""));
        Assert.Single(AllIndexes(html, "aria-label=\"Cancel\""));
    }

    [Fact]
    public async Task Empty_models_folder_says_where_it_is_and_how_to_add_a_model()
    {
        var empty = Directory.CreateTempSubdirectory("gptplayground-web-empty-").FullName;
        try
        {
            await using var factory = PlaygroundFactory.Create(empty);

            var html = await factory.CreateClient().GetStringAsync("/models");

            Assert.Contains("No models yet", html);
            Assert.Contains(HtmlEncoder.Default.Encode(empty), html);
            Assert.Contains("synth-model --out", html);
            Assert.Contains("optimum-cli export onnx", html);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public async Task Unknown_url_answers_404_with_the_not_found_page()
    {
        await using var factory = PlaygroundFactory.Create(models.Directory);

        var response = await factory.CreateClient().GetAsync("/no/such/page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("There is no page at this address", await response.Content.ReadAsStringAsync());
    }

    static IEnumerable<int> AllIndexes(string text, string value)
    {
        for (int i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
            yield return i;
    }
}
