using Microsoft.AspNetCore.Components.Server.Circuits;
using MudBlazor;
using MudBlazor.Services;

namespace GptPlayground.Web;

/// <summary>The Blazor Server UI: interactive server components, MudBlazor, static assets, error pages.</summary>
public static class UiExtensions
{
    /// <summary>Setting: seconds without a message from a tab before its connection counts as lost (default 10).</summary>
    public const string ClientTimeoutKey = "Playground:ClientTimeoutSeconds";

    /// <summary>Largest message a browser may send over the Blazor hub: 16 MB (a 5 MB notebook's text, escaped).</summary>
    public const long MaxReceiveBytes = 16L * 1024 * 1024;

    /// <summary>
    /// Registers Razor components with interactive server rendering, MudBlazor's services (dialogs, snackbars, popovers), and the circuit handler that
    /// closes a tab's <see cref="Services.PlaygroundSession"/> with its circuit.
    /// </summary>
    public static WebApplicationBuilder AddPlaygroundUi(this WebApplicationBuilder builder)
    {
        // SignalR refuses client messages over 32 KB by default and drops the circuit: a pasted 20,000-character prompt
        // was lost while the page still showed it. Notebooks may be 5 MB; as UTF-8 JSON a 5-million-character text
        // may take up to 3 bytes a character, so 16 MB lets every text a notebook can hold reach the server.
        // A tab whose network is cut is noticed after ClientTimeout (SignalR's default is 30 s, and the session's grace
        // comes on top: a running generation went on for ~41 s). The page pings every 4 s (App.razor), so 10 s is
        // more than two missed pings. Playground:ClientTimeoutSeconds changes it (at least 9 s).
        var timeout = TimeSpan.FromSeconds(Math.Max(9, builder.Configuration.GetValue<double?>(ClientTimeoutKey) ?? 10));
        builder.Services.AddRazorComponents().AddInteractiveServerComponents()
            .AddHubOptions(o =>
            {
                o.MaximumReceiveMessageSize = MaxReceiveBytes;
                o.ClientTimeoutInterval = timeout;
                o.KeepAliveInterval = TimeSpan.FromSeconds(4);
            });
        builder.Services.AddMudServices(c =>
        {
            c.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomLeft;
            c.SnackbarConfiguration.PreventDuplicates = false;
            c.SnackbarConfiguration.VisibleStateDuration = 8000;
        });
        builder.Services.AddScoped<CircuitHandler, SessionCircuitHandler>();
        return builder;
    }

    /// <summary>Maps the static assets and the root component <typeparamref name="TApp"/> in interactive server mode.</summary>
    public static WebApplication MapPlaygroundUi<TApp>(this WebApplication app) where TApp : Microsoft.AspNetCore.Components.IComponent
    {
        if (!app.Environment.IsDevelopment())
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<TApp>().AddInteractiveServerRenderMode();
        return app;
    }
}
