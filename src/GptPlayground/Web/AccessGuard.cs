using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.HostFiltering;

namespace GptPlayground.Web;

/// <summary>
/// Who may talk to the app. Notebooks can be read, changed and deleted through it, so:
/// <list type="bullet">
/// <item><b>Host allow-list</b> (DNS rebinding): a page on <c>attacker.example</c> whose name resolves to 127.0.0.1 sends
/// <c>Host: attacker.example</c>; without an access token only loopback names (localhost, 127.0.0.1, [::1]) are
/// accepted unless <c>AllowedHosts</c> (ASP.NET Core's setting, ';'-separated) says otherwise. Other hosts get 400. With
/// a token any host name is accepted by default (a rebinding page cannot send the token).</item>
/// <item><b>Origin check</b> on the Blazor hub (<c>/_blazor</c>, where every change to a notebook travels) and on every
/// request that is not GET/HEAD: a WebSocket is not bound by CORS, so a page on another origin could otherwise drive
/// the UI. A browser request whose Origin is not this host (or one of <c>Playground:AllowedOrigins</c>) gets 403.</item>
/// <item><b>Access token</b> (<c>Playground:AccessToken</c> or the environment variable <c>GPTPLAYGROUND_ACCESS_TOKEN</c>):
/// when set, every request needs it: <c>?token=...</c> once (a cookie keeps it, like Jupyter's), the cookie, or
/// <c>Authorization: Bearer ...</c>; else 401. When the app listens beyond loopback (<c>--urls http://0.0.0.0:5080</c>)
/// and no token is set, one is generated and the URL to open is logged: the app never serves the network unauthenticated.</item>
/// <item><b>The OpenAI-compatible API</b> (<c>/v1/...</c>, docs/api.md) takes <c>Authorization: Bearer KEY</c> only (no
/// cookie, no <c>?token=</c>): one of the API keys (<c>Playground:ApiKeys</c> or <c>GPTPLAYGROUND_API_KEYS</c>,
/// ';'-separated) or the access token. Anonymous calls are answered only when neither keys nor a token are in force (a
/// loopback app by default), or when <c>Playground:AllowAnonymousApi</c> is true; so an app that listens beyond loopback
/// refuses them unless the operator says otherwise. Its refusals are JSON in OpenAI's error shape.</item>
/// </list>
/// </summary>
public static class AccessGuard
{
    /// <summary>Setting (and, upper-cased with '_', environment variable) holding the access token.</summary>
    public const string TokenSetting = "Playground:AccessToken";
    /// <summary>Environment variable holding the access token.</summary>
    public const string TokenVariable = "GPTPLAYGROUND_ACCESS_TOKEN";
    /// <summary>Setting with extra allowed origins, ';'-separated (e.g. a reverse proxy's public address).</summary>
    public const string AllowedOriginsSetting = "Playground:AllowedOrigins";
    /// <summary>The cookie that keeps the token after <c>?token=</c>.</summary>
    public const string CookieName = "gptplayground-token";
    /// <summary>Setting with the API's Bearer keys, ';'-separated (see docs/api.md).</summary>
    public const string ApiKeysSetting = "Playground:ApiKeys";
    /// <summary>Environment variable with the API's Bearer keys, ';'-separated.</summary>
    public const string ApiKeysVariable = "GPTPLAYGROUND_API_KEYS";
    /// <summary>Setting: true answers anonymous API calls even when keys or an access token are in force (default false).</summary>
    public const string AnonymousApiSetting = "Playground:AllowAnonymousApi";
    /// <summary>The path under which the OpenAI-compatible API lives.</summary>
    public const string ApiPath = "/v1";
    /// <summary>The host names allowed when <c>AllowedHosts</c> is not configured.</summary>
    public const string LoopbackHosts = "localhost;127.0.0.1;[::1]";

    /// <summary>Registers the token (generated when the app listens beyond loopback without one) and host filtering.</summary>
    public static WebApplicationBuilder AddAccessGuard(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var token = config[TokenSetting] ?? Environment.GetEnvironmentVariable(TokenVariable);
        var urls = string.Join(';', new[] { config[WebHostDefaults.ServerUrlsKey] }
            .Concat((config[WebHostDefaults.HttpPortsKey] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => $"http://*:{p}"))
            .Concat((config[WebHostDefaults.HttpsPortsKey] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => $"https://*:{p}"))
            .Concat(config.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]))
            .Where(u => !string.IsNullOrWhiteSpace(u)));
        bool generated = false;
        if (string.IsNullOrEmpty(token) && ListensBeyondLoopback(urls))
        {
            token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
            generated = true;
        }
        if (string.IsNullOrEmpty(token)) token = null;

        // Without a token only loopback names are answered. With one, any name the machine is reached by is fine: a
        // rebinding page has no token (the cookie belongs to the real host name), so it gets 401 anyway.
        var hosts = config["AllowedHosts"];
        var allowed = !string.IsNullOrWhiteSpace(hosts) ? hosts.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : token is null ? LoopbackHosts.Split(';') : ["*"];
        builder.Services.Configure<HostFilteringOptions>(o =>
        {
            o.AllowedHosts = allowed;
            o.AllowEmptyHosts = false;
            o.IncludeFailureMessage = true;
        });
        var apiKeys = (config[ApiKeysSetting] ?? Environment.GetEnvironmentVariable(ApiKeysVariable) ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        builder.Services.AddSingleton(new AccessSettings(token, generated, urls,
            (config[AllowedOriginsSetting] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            ApiKeys = apiKeys,
            AnonymousApi = config.GetValue<bool?>(AnonymousApiSetting) ?? false,
        });
        return builder;
    }

    /// <summary>Adds the host filter, the origin check and the token check, before anything else answers.</summary>
    public static WebApplication UseAccessGuard(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<AccessSettings>();
        if (settings.Generated)
            app.Logger.LogWarning("Listening beyond loopback ({Urls}): an access token is required. Open {Url}?token={Token} (or set {Setting})",
                settings.Urls, settings.Urls.Split(';')[0].Replace("0.0.0.0", "HOST").Replace("[::]", "HOST").Replace("*", "HOST").Replace("+", "HOST").TrimEnd('/') + "/", settings.Token, TokenVariable);
        app.UseHostFiltering();
        app.Use(async (context, next) =>
        {
            bool api = context.Request.Path.StartsWithSegments(ApiPath);
            if (!OriginAllowed(context.Request, settings))
            {
                await Refuse(context, api, StatusCodes.Status403Forbidden, "permission_error", "cross_origin",
                    "cross-origin request refused: this page was not served by this GptPlayground (see docs/security.md)");
                return;
            }
            if (api)
            {
                if (!ApiAuthorized(context.Request, settings))
                {
                    await Refuse(context, api, StatusCodes.Status401Unauthorized, "authentication_error", "invalid_api_key",
                        "this GptPlayground's API needs a key: send Authorization: Bearer <key> with one of its API keys (Playground:ApiKeys) or its access token (see docs/api.md)");
                    return;
                }
            }
            else if (settings.Token is { } token && !await Authenticated(context, token)) return;
            await next();
        });
        return app;
    }

    /// <summary>True when an address in <paramref name="urls"/> (';'-separated, as <c>--urls</c>) binds beyond loopback.</summary>
    public static bool ListensBeyondLoopback(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var host = url.Contains("://") ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
            host = host.Split('/')[0];
            host = host.StartsWith('[') ? host[..(host.IndexOf(']') + 1)] : host.Split(':')[0];
            if (host is "localhost") continue;
            if (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)) continue;
            return true;   // 0.0.0.0, [::], *, +, a LAN address or a host name
        }
        return false;
    }

    /// <summary>
    /// Browser requests carry Origin on WebSockets and on non-GET requests. Allowed: no Origin (not a browser page), the
    /// same host and port as the request, or a configured origin.
    /// </summary>
    static bool OriginAllowed(HttpRequest request, AccessSettings settings)
    {
        bool guarded = request.Path.StartsWithSegments("/_blazor") || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method));
        if (!guarded) return true;
        var origin = request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin)) return true;
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)) return false;
        if (string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)) return true;
        return settings.AllowedOrigins.Any(o => string.Equals(o.TrimEnd('/'), origin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// An API call may go on: its Bearer key is an API key or the access token, or anonymous calls are allowed (no keys and
    /// no token in force, or <see cref="AccessSettings.AnonymousApi"/>).
    /// </summary>
    static bool ApiAuthorized(HttpRequest request, AccessSettings settings)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var key = header[7..].Trim();
            if (settings.ApiKeys.Any(k => Same(k, key)) || (settings.Token is { } token && Same(token, key))) return true;
        }
        return settings.AnonymousApi || (settings.Token is null && settings.ApiKeys.Count == 0);
    }

    /// <summary>Answers a refusal: OpenAI's error shape on the API, one line of text elsewhere.</summary>
    static Task Refuse(HttpContext context, bool api, int status, string type, string code, string message)
    {
        context.Response.StatusCode = status;
        if (!api) return context.Response.WriteAsync(message);
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(new { error = new { message, type, param = (string?)null, code } }));
    }

    static async Task<bool> Authenticated(HttpContext context, string token)
    {
        var request = context.Request;
        if (request.Query.TryGetValue("token", out var given) && Same(given.ToString(), token))
        {
            context.Response.Cookies.Append(CookieName, token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, IsEssential = true, Secure = request.IsHttps });
            var query = QueryString.Create(request.Query.Where(q => q.Key != "token"));
            context.Response.Redirect(request.PathBase + request.Path + query);
            return false;
        }
        if (request.Cookies.TryGetValue(CookieName, out var cookie) && Same(cookie, token)) return true;
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && Same(header[7..].Trim(), token)) return true;
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        await context.Response.WriteAsync("this GptPlayground needs its access token: open the address with ?token=... printed at its start, or send Authorization: Bearer <token>");
        return false;
    }

    static bool Same(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}

/// <summary>The resolved access settings of <see cref="AccessGuard"/>.</summary>
/// <param name="Token">The access token, or null when none is required.</param>
/// <param name="Generated">The token was generated at start because the app listens beyond loopback.</param>
/// <param name="Urls">The configured listen addresses.</param>
/// <param name="AllowedOrigins">Origins allowed besides the request's own host.</param>
public sealed record AccessSettings(string? Token, bool Generated, string Urls, IReadOnlyList<string> AllowedOrigins)
{
    /// <summary>Bearer keys the API accepts besides the access token; empty for none.</summary>
    public IReadOnlyList<string> ApiKeys { get; init; } = [];

    /// <summary>The API answers anonymous calls even though keys or a token are in force.</summary>
    public bool AnonymousApi { get; init; }
}
