using Microsoft.Extensions.Configuration.Memory;

namespace GptPlayground.Web;

/// <summary>Where the app listens and where its static files come from.</summary>
public static class HostingExtensions
{
    /// <summary>
    /// Listens on <paramref name="url"/> unless an address is configured some other way:
    /// <c>--urls</c>, <c>ASPNETCORE_URLS</c>/<c>DOTNET_URLS</c>, <c>ASPNETCORE_HTTP_PORTS</c>/<c>HTTPS_PORTS</c>,
    /// or a <c>Kestrel:Endpoints</c> section.
    /// </summary>
    public static WebApplicationBuilder UseDefaultUrlWhenNoneConfigured(this WebApplicationBuilder builder, string url)
    {
        var config = builder.Configuration;
        bool configured = !string.IsNullOrEmpty(config[WebHostDefaults.ServerUrlsKey])
            || !string.IsNullOrEmpty(config[WebHostDefaults.HttpPortsKey])
            || !string.IsNullOrEmpty(config[WebHostDefaults.HttpsPortsKey])
            || config.GetSection("Kestrel:Endpoints").Exists();
        if (!configured) builder.WebHost.UseUrls(url);
        return builder;
    }

    /// <summary>
    /// Settings that apply unless configuration says otherwise (they sit below every other
    /// configuration source): ASP.NET Core's per-request logs at Warning, as in the web templates'
    /// appsettings.json, so that the console shows the app's own messages.
    /// </summary>
    public static WebApplicationBuilder AddDefaultSettings(this WebApplicationBuilder builder)
    {
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            },
        });
        return builder;
    }

    /// <summary>
    /// Serves static web assets (root <c>wwwroot/</c>, <c>_framework/blazor.web.js</c>, MudBlazor's
    /// <c>_content/</c>, the scoped CSS bundle) from where the build left them, in every environment.
    /// ASP.NET Core does this by itself only in Development; without it a build run in Production
    /// (<c>dotnet run</c> has no launch profile here) answers 500 for assets that live outside bin/.
    /// After <c>dotnet publish</c> there is no development manifest and this does nothing: the
    /// published wwwroot/ is used.
    /// </summary>
    public static WebApplicationBuilder UseBuildOutputStaticAssets(this WebApplicationBuilder builder)
    {
        builder.WebHost.UseStaticWebAssets();
        return builder;
    }
}
