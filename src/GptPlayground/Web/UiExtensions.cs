using Microsoft.AspNetCore.Components.Server.Circuits;
using Radzen;

namespace GptPlayground.Web;

/// <summary>The Blazor Server UI: interactive server components, Radzen, static assets, error pages.</summary>
public static class UiExtensions
{
    /// <summary>
    /// Registers Razor components with interactive server rendering, Radzen's services, and the circuit handler that
    /// closes a tab's <see cref="Services.PlaygroundSession"/> with its circuit.
    /// </summary>
    public static WebApplicationBuilder AddPlaygroundUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddRadzenComponents();
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
