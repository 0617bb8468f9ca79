using System.Text.RegularExpressions;
using GptPlayground.Components.Layout;

namespace GptPlayground.Tests.Web;

/// <summary>
/// The page the server renders (the first paint, before any script runs) has the theme the user chose, from the
/// cookie; in system mode the dark palette comes with a prefers-color-scheme media query. The browser side of the same
/// (a dark system, the cookie, Blazor's script held back) is WorkbenchBrowserTests.The_first_paint_has_the_theme_before_the_circuit_starts.
/// </summary>
public class ThemeFirstPaintTests(WebModels models) : IClassFixture<WebModels>
{
    static readonly string Light = PlaygroundTheme.Theme.PaletteLight.Background.ToString();
    static readonly string Dark = PlaygroundTheme.Theme.PaletteDark.Background.ToString();

    async Task<string> PageWithCookie(string? cookie)
    {
        await using var factory = PlaygroundFactory.Create(models.Directory);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        if (cookie is not null) request.Headers.Add("Cookie", $"{PlaygroundTheme.CookieName}={cookie}");
        using var response = await factory.CreateClient().SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The backgrounds the page's styles set, in document order (the theme provider's comes first).</summary>
    static List<string> Backgrounds(string html) =>
        Regex.Matches(html, @"--mud-palette-background:\s*([^;]+);").Select(m => m.Groups[1].Value.Trim()).ToList();

    [Theory]
    [InlineData("Dark")]
    [InlineData("dark")]
    public async Task A_dark_choice_in_the_cookie_renders_the_dark_palette_with_no_system_query(string cookie)
    {
        var html = await PageWithCookie(cookie);

        Assert.Equal([Dark], Backgrounds(html));
        Assert.DoesNotContain("prefers-color-scheme", html);
    }

    [Fact]
    public async Task A_light_choice_renders_the_light_palette_even_where_the_system_prefers_dark()
    {
        var html = await PageWithCookie("Light");

        Assert.Equal([Light], Backgrounds(html));
        Assert.DoesNotContain("prefers-color-scheme", html);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("System")]
    [InlineData("purple")]
    public async Task System_mode_renders_light_with_the_dark_palette_under_a_prefers_dark_query(string? cookie)
    {
        var html = await PageWithCookie(cookie);

        Assert.Equal([Light, Dark], Backgrounds(html));
        var query = html.IndexOf("@media (prefers-color-scheme: dark)", StringComparison.Ordinal);
        Assert.True(query > 0 && query < html.LastIndexOf(Dark, StringComparison.Ordinal) && query > html.IndexOf(Light, StringComparison.Ordinal),
            "the dark palette comes after the light one, inside the media query");
    }
}
