using GptPlayground.Inference.Models;
using GptPlayground.Services;
using GptPlayground.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace GptPlayground.Tests.Web;

/// <summary>Host settings: the default address, the provider setting, model leases.</summary>
public class HostingTests
{
    [Theory]
    [InlineData(new string[0], PlaygroundWebApp.DefaultUrl)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:5099" }, "http://127.0.0.1:5099")]
    [InlineData(new[] { "--urls=http://0.0.0.0:8080" }, "http://0.0.0.0:8080")]
    public void Default_url_is_used_only_when_no_address_is_configured(string[] args, string expected)
    {
        var builder = WebApplication.CreateBuilder(args);

        builder.UseDefaultUrlWhenNoneConfigured(PlaygroundWebApp.DefaultUrl);

        Assert.Equal(expected, builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey));
    }

    [Fact]
    public void Http_ports_setting_counts_as_a_configured_address()
    {
        var builder = WebApplication.CreateBuilder(["--http_ports=8080"]);

        builder.UseDefaultUrlWhenNoneConfigured(PlaygroundWebApp.DefaultUrl);

        Assert.Null(builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey));
    }

    [Fact]
    public void Unknown_provider_stops_the_app_at_startup_naming_the_value()
    {
        var e = Assert.Throws<ArgumentException>(() => PlaygroundWebApp.Build(["--Playground:Provider=tpu", "--Playground:Models=" + Path.GetTempPath()]));

        Assert.Contains("tpu", e.Message);
    }

    [Fact]
    public void Unload_is_refused_while_a_generation_holds_the_model()
    {
        var dir = Directory.CreateTempSubdirectory("gptplayground-leases-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "m"));
        try
        {
            using var catalog = new ModelCatalog(dir);
            using (catalog.Lease("m"))
            {
                Assert.False(catalog.TryUnload("m", out var refusal));
                Assert.Contains("generating in 1 session", refusal);
            }

            Assert.True(catalog.TryUnload("m", out var none));
            Assert.Null(none);
            Assert.Equal(0, catalog.InUse("m"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
