using GptPlayground.Web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GptPlayground.Tests.Web;

/// <summary>How soon a vanished tab is noticed, and how large a message a tab may send.</summary>
public class ConnectionTests(WebModels models) : IClassFixture<WebModels>
{
    // Blazor's hub (ComponentHub) is internal: its options type is built by name
    static HubOptions BlazorHubOptions(IServiceProvider services)
    {
        var hub = typeof(Microsoft.AspNetCore.Components.Server.CircuitOptions).Assembly.GetType("Microsoft.AspNetCore.Components.Server.ComponentHub", throwOnError: true)!;
        var options = services.GetRequiredService(typeof(IOptions<>).MakeGenericType(typeof(HubOptions<>).MakeGenericType(hub)));
        return (HubOptions)options.GetType().GetProperty("Value")!.GetValue(options)!;
    }

    [Fact]
    public async Task A_cut_connection_is_noticed_in_10_s_and_the_page_pings_often_enough_for_that()
    {
        await using var factory = PlaygroundFactory.Create(models.Directory);

        var hub = BlazorHubOptions(factory.Services);
        var page = await factory.CreateClient().GetStringAsync("/");

        Assert.Equal(TimeSpan.FromSeconds(10), hub.ClientTimeoutInterval);   // SignalR's default: 30 s
        Assert.Equal(UiExtensions.MaxReceiveBytes, hub.MaximumReceiveMessageSize);
        Assert.Contains("withKeepAliveInterval(4000)", page);                 // at most half the timeout
    }

    [Fact]
    public async Task The_timeout_is_configurable_but_never_below_two_pings()
    {
        await using var factory = PlaygroundFactory.Create(models.Directory).WithWebHostBuilder(b => b.UseSetting(UiExtensions.ClientTimeoutKey, "3"));

        Assert.Equal(TimeSpan.FromSeconds(9), BlazorHubOptions(factory.Services).ClientTimeoutInterval);
    }
}
