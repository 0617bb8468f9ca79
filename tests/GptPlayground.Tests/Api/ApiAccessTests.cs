using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using GptPlayground.Tests.Web;
using GptPlayground.Web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace GptPlayground.Tests.Api;

/// <summary>Who may call the API (docs/api.md, docs/security.md): Bearer API keys, the access token, anonymous calls.</summary>
public class ApiAccessTests(WebModels models) : IClassFixture<WebModels>
{
    static async Task<HttpStatusCode> ModelsAsync(HttpClient client, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var response = await client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("authentication_error", json.RootElement.GetProperty("error").GetProperty("type").GetString());
        }
        return response.StatusCode;
    }

    WebApplicationFactory<Program> App(params (string Key, string Value)[] settings) =>
        PlaygroundFactory.Create(models.Directory).WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in settings) b.UseSetting(key, value);
        });

    [Fact]
    public async Task On_loopback_without_keys_the_api_is_open()
    {
        await using var app = App();
        var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, await ModelsAsync(client));
        Assert.Equal(HttpStatusCode.OK, await ModelsAsync(client, "anything"));
    }

    [Fact]
    public async Task With_api_keys_a_call_needs_one_of_them()
    {
        await using var app = App((AccessGuard.ApiKeysSetting, "k1; k2"));
        var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, await ModelsAsync(client));
        Assert.Equal(HttpStatusCode.Unauthorized, await ModelsAsync(client, "k3"));
        Assert.Equal(HttpStatusCode.OK, await ModelsAsync(client, "k2"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/models")).StatusCode);   // the UI is not behind the API keys
    }

    [Fact]
    public async Task With_an_access_token_the_api_takes_it_as_a_bearer_key_but_not_the_cookie_or_query()
    {
        await using var app = App((AccessGuard.TokenSetting, "s3cret"), (AccessGuard.ApiKeysSetting, "k1"));
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        Assert.Equal(HttpStatusCode.Unauthorized, await ModelsAsync(client));
        Assert.Equal(HttpStatusCode.OK, await ModelsAsync(client, "s3cret"));
        Assert.Equal(HttpStatusCode.OK, await ModelsAsync(client, "k1"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/models?token=s3cret")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/?token=k1")).StatusCode);   // an API key does not open the UI
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("true", HttpStatusCode.OK)]
    public async Task Beyond_loopback_anonymous_calls_are_refused_unless_explicitly_allowed(string? allow, HttpStatusCode expected)
    {
        var settings = new List<(string, string)> { ("urls", "http://0.0.0.0:5099") };
        if (allow is not null) settings.Add((AccessGuard.AnonymousApiSetting, allow));
        await using var app = App([.. settings]);
        var client = app.CreateClient();
        var access = app.Services.GetService(typeof(AccessSettings)) as AccessSettings;

        Assert.True(access!.Generated);
        Assert.Equal(expected, await ModelsAsync(client));
        Assert.Equal(HttpStatusCode.OK, await ModelsAsync(client, access.Token));
    }

    [Fact]
    public async Task A_page_of_another_origin_cannot_post_to_the_api()
    {
        await using var app = App();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = new StringContent("""{"model": "tiny", "prompt": "x"}""") };
        request.Headers.Add("Origin", "http://evil.example");

        var response = await app.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("cross-origin", await response.Content.ReadAsStringAsync());
    }
}
