using System.Net;
using GptPlayground.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GptPlayground.Tests.Web;

/// <summary>DNS rebinding, cross-origin pages and the access token (docs/security.md).</summary>
public class AccessGuardTests(WebModels models) : IClassFixture<WebModels>
{
    static void WriteNotebook(string prompts) => File.WriteAllText(Path.Combine(prompts, "a.md"), "---\ntitle: A\n---\n\ntext\n");

    [Fact]
    public async Task A_foreign_host_name_is_refused_so_dns_rebinding_reads_nothing()
    {
        var prompts = Directory.CreateTempSubdirectory("gptplayground-guard-").FullName;
        WriteNotebook(prompts);
        await using var factory = PlaygroundFactory.Create(models.Directory, promptsDirectory: prompts);
        var client = factory.CreateClient();

        var own = await client.GetAsync("/download/a.md");
        var rebound = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/download/a.md") { Headers = { Host = "evil.example:5080" } });
        var home = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Host = "attacker.example" } });

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, rebound.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, home.StatusCode);
    }

    [Fact]
    public async Task Allowed_hosts_can_be_configured()
    {
        await using var factory = PlaygroundFactory.Create(models.Directory).WithWebHostBuilder(b => b.UseSetting("AllowedHosts", "playground.lan"));
        var client = factory.CreateClient();

        var lan = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Host = "playground.lan" } });
        var local = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, lan.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, local.StatusCode);
    }

    [Theory]
    [InlineData("http://evil.example", HttpStatusCode.Forbidden)]
    [InlineData("http://localhost:9999", HttpStatusCode.Forbidden)]      // another port is another origin
    [InlineData("http://localhost", HttpStatusCode.OK)]
    [InlineData(null, HttpStatusCode.OK)]
    public async Task The_blazor_hub_refuses_pages_of_other_origins(string? origin, HttpStatusCode expected)
    {
        await using var factory = PlaygroundFactory.Create(models.Directory);
        var client = factory.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1");
        if (origin is not null) request.Headers.Add("Origin", origin);

        var response = await client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task With_a_token_every_request_needs_it_and_the_token_url_sets_a_cookie()
    {
        await using var factory = PlaygroundFactory.Create(models.Directory).WithWebHostBuilder(b => b.UseSetting(AccessGuard.TokenSetting, "s3cret"));
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        var without = await client.GetAsync("/");
        var wrong = await client.GetAsync("/?token=guess");
        var login = await client.GetAsync("/models?token=s3cret");
        var after = await client.GetAsync("/models");
        var bearer = await factory.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { { "Authorization", "Bearer s3cret" } } });

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Contains("access token", await without.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Contains("HttpOnly", login.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("/models", login.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
    }

    [Fact]
    public async Task With_a_token_any_host_name_is_answered_so_a_lan_address_works()
    {
        await using var factory = PlaygroundFactory.Create(models.Directory).WithWebHostBuilder(b => b.UseSetting(AccessGuard.TokenSetting, "s3cret"));
        var client = factory.CreateClient();

        var lan = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Host = "192.168.1.20:5080", Authorization = new("Bearer", "s3cret") } });
        var rebound = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Host = "attacker.example" } });

        Assert.Equal(HttpStatusCode.OK, lan.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, rebound.StatusCode);   // no token: the cookie belongs to the real host
    }

    [Fact]
    public async Task In_the_app_a_notebook_names_catalog_models_only_and_no_path_is_an_existence_oracle()
    {
        await using var factory = PlaygroundFactory.Create(models.Directory);
        var catalog = factory.Services.GetRequiredService<GptPlayground.Inference.Models.ModelCatalog>();

        var existing = Assert.Throws<GptPlayground.Inference.ModelException>(() => catalog.Resolve("/etc"));
        var missing = Assert.Throws<GptPlayground.Inference.ModelException>(() => catalog.Resolve("/nonexistent"));

        Assert.False(catalog.AllowPaths);
        Assert.Equal(existing.Message.Replace("/etc", "X"), missing.Message.Replace("/nonexistent", "X"));
        Assert.EndsWith("tiny", catalog.Resolve("tiny"));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", false)]
    [InlineData("http://localhost:5080", false)]
    [InlineData("http://[::1]:5080", false)]
    [InlineData("http://0.0.0.0:5080", true)]
    [InlineData("http://[::]:5080", true)]
    [InlineData("http://*:5080", true)]
    [InlineData("http://+:5080", true)]
    [InlineData("http://192.168.1.20:5080", true)]
    [InlineData("http://127.0.0.1:5080;http://playground.lan:5080", true)]
    public void Listening_beyond_loopback_is_recognised(string urls, bool beyond) =>
        Assert.Equal(beyond, AccessGuard.ListensBeyondLoopback(urls));

    [Theory]
    [InlineData("--urls", "http://0.0.0.0:5099")]
    [InlineData("--http_ports", "5099")]
    public void Beyond_loopback_without_a_token_a_token_is_generated(string flag, string value)
    {
        var builder = WebApplication.CreateBuilder([flag, value]);

        var settings = builder.AddAccessGuard().Services.BuildServiceProvider().GetRequiredService<AccessSettings>();

        Assert.True(settings.Generated);
        Assert.Equal(48, settings.Token!.Length);
    }

    [Fact]
    public void On_loopback_no_token_is_required_unless_set()
    {
        var builder = WebApplication.CreateBuilder(["--urls", PlaygroundWebApp.DefaultUrl]);
        var withToken = WebApplication.CreateBuilder(["--urls", "http://0.0.0.0:5099", "--" + AccessGuard.TokenSetting + "=mine"]);

        Assert.Null(builder.AddAccessGuard().Services.BuildServiceProvider().GetRequiredService<AccessSettings>().Token);
        var set = withToken.AddAccessGuard().Services.BuildServiceProvider().GetRequiredService<AccessSettings>();
        Assert.Equal("mine", set.Token);
        Assert.False(set.Generated);
    }
}
