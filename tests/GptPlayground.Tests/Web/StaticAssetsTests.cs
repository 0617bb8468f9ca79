using System.Net;
using System.Text.RegularExpressions;

namespace GptPlayground.Tests.Web;

/// <summary>
/// The static files reach the browser in Development and in Production: blazor.web.js (extracted at
/// build time), the root wwwroot/, MudBlazor's package assets and the scoped CSS bundle.
/// </summary>
public partial class StaticAssetsTests(WebModels models) : IClassFixture<WebModels>
{
    public static TheoryData<string, string> Assets => new()
    {
        { "Development", "/_framework/blazor.web.js" },
        { "Development", "/app.css" },
        { "Development", "/favicon.svg" },
        { "Development", "/_content/MudBlazor/MudBlazor.min.css" },
        { "Development", "/_content/MudBlazor/MudBlazor.min.js" },
        { "Development", "/gptplayground.styles.css" },
        { "Production", "/_framework/blazor.web.js" },
        { "Production", "/app.css" },
        { "Production", "/_content/MudBlazor/MudBlazor.min.css" },
        { "Production", "/_content/MudBlazor/MudBlazor.min.js" },
        { "Production", "/gptplayground.styles.css" },
    };

    [Theory]
    [MemberData(nameof(Assets))]
    public async Task Static_asset_is_served(string environment, string url)
    {
        await using var factory = PlaygroundFactory.Create(models.Directory, environment);

        await AssertServed(factory.CreateClient(), url, environment);
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task Every_stylesheet_and_script_the_page_links_is_served(string environment)
    {
        await using var factory = PlaygroundFactory.Create(models.Directory, environment);
        var client = factory.CreateClient();
        var html = await client.GetStringAsync("/");

        var links = LinkPattern().Matches(html).Select(m => m.Groups["url"].Value).ToList();

        Assert.Contains(links, l => l.Contains("blazor.web", StringComparison.Ordinal));
        Assert.Contains(links, l => l.Contains("_content/MudBlazor/MudBlazor.min", StringComparison.Ordinal) && l.EndsWith(".js", StringComparison.Ordinal));
        Assert.Contains(links, l => l.Contains("_content/MudBlazor/MudBlazor.min", StringComparison.Ordinal) && l.EndsWith(".css", StringComparison.Ordinal));
        Assert.DoesNotContain(links, l => l.StartsWith("http", StringComparison.Ordinal));   // offline: nothing from a CDN
        foreach (var link in links)
            await AssertServed(client, link, environment);
    }

    /// <summary>
    /// 200 with a body. The body matters: when the file behind an asset cannot be opened, TestServer
    /// still reports the 200 that was sent with the headers (Kestrel answers 500), with an empty body.
    /// </summary>
    static async Task AssertServed(HttpClient client, string url, string environment)
    {
        var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{environment} GET {url}: {(int)response.StatusCode}");
        Assert.True(body.Length > 0, $"{environment} GET {url}: 200 with an empty body (the file behind the asset was not found)");
    }

    [GeneratedRegex("""<(?:link[^>]*href|script[^>]*src)="(?<url>[^"]+\.(?:css|js|svg))" """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex LinkPattern();
}
