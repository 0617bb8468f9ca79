using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;
using MudBlazor;

namespace GptPlayground.Components.Layout;

/// <summary>
/// The layout of every page. Holds the theme: <see cref="ThemeMode.System"/> by default (light or dark as the browser
/// prefers, following its changes live), or the mode the user picked with the app bar's theme button, remembered in a
/// cookie (<see cref="PlaygroundTheme.CookieName"/>). The server reads the cookie, so the page it renders (the first
/// paint, before the circuit starts) already has the chosen palette; in system mode the dark palette comes with a
/// <c>prefers-color-scheme</c> media query (<see cref="PlaygroundTheme.SystemDarkCssAsync"/>) until the circuit asks the
/// browser. The mode is handed from the server-rendered page to the circuit (<see cref="PersistentComponentState"/>),
/// so the circuit's first render does not flash the other palette either. The keyboard button (or <c>?</c>) opens the
/// <see cref="KeyboardHelp"/> dialog.
/// </summary>
public sealed partial class MainLayout : IDisposable
{
    MudThemeProvider? themeProvider;
    ErrorBoundary? errorBoundary;
    ThemeMode mode = ThemeMode.System;
    bool systemDark;
    bool dark;

    [Inject] IJSRuntime JS { get; set; } = default!;
    [Inject] IDialogService Dialogs { get; set; } = default!;
    [Inject] IServiceProvider Services { get; set; } = default!;

    /// <summary>Key of the mode in the state handed from the server-rendered page to the circuit.</summary>
    const string ModeStateKey = "gptplayground-theme-mode";

    string? systemDarkCss;
    PersistentComponentState? pageState;
    PersistingComponentStateSubscription? persisting;
    bool modeKnown;

    /// <inheritdoc/>
    protected override async Task OnInitializedAsync()
    {
        // the server-rendered page reads the cookie; the circuit takes the mode that page was rendered with
        pageState = Services.GetService<PersistentComponentState>();
        if (pageState is not null && pageState.TryTakeFromJson<ThemeMode>(ModeStateKey, out var kept)) (mode, modeKnown) = (kept, true);
        else if (HttpContext is { } http) (mode, modeKnown) = (PlaygroundTheme.Parse(http.Request.Cookies[PlaygroundTheme.CookieName]), true);
        persisting = pageState?.RegisterOnPersisting(() =>
        {
            pageState.PersistAsJson(ModeStateKey, mode);
            return Task.CompletedTask;
        });
        Apply();
        systemDarkCss = await PlaygroundTheme.SystemDarkCssAsync(Services);
    }

    /// <summary>The request while the page is rendered on the server; null once interactive.</summary>
    [CascadingParameter] HttpContext? HttpContext { get; set; }

    /// <summary>The page is (or will be) live: static pages (share view, errors) get no theme or help buttons, which could not work there.</summary>
    bool Interactive => HttpContext is null || HttpContext.AcceptsInteractiveRouting();

    /// <summary>The mode the theme button shows and cycles.</summary>
    public ThemeMode Mode => mode;

    /// <summary>True while the dark palette is shown.</summary>
    public bool IsDark => dark;

    string ModeText => mode switch { ThemeMode.Light => "light", ThemeMode.Dark => "dark", _ => $"system ({(systemDark ? "dark" : "light")})" };

    string ModeIcon => mode switch
    {
        ThemeMode.Light => Icons.Material.Filled.LightMode,
        ThemeMode.Dark => Icons.Material.Filled.DarkMode,
        _ => Icons.Material.Filled.BrightnessAuto,
    };

    /// <summary>A new page (navigation) starts without the previous page's error.</summary>
    protected override void OnParametersSet() => errorBoundary?.Recover();

    /// <inheritdoc/>
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender || themeProvider is null || !RendererInfo.IsInteractive) return;
        try
        {
            if (!modeKnown) mode = PlaygroundTheme.Parse(await JS.InvokeAsync<string?>("gptPlayground.theme.read"));    // no server-rendered page before
            systemDark = await themeProvider.GetSystemDarkModeAsync();
            await themeProvider.WatchSystemDarkModeAsync(SystemChangedAsync);
        }
        catch (Exception e) when (e is JSException or JSDisconnectedException or InvalidOperationException or TaskCanceledException) { }
        Apply();
        StateHasChanged();
    }

    Task SystemChangedAsync(bool isDark)
    {
        systemDark = isDark;
        Apply();
        return InvokeAsync(StateHasChanged);
    }

    void Apply() => dark = mode switch { ThemeMode.Light => false, ThemeMode.Dark => true, _ => systemDark };

    /// <summary>The theme button: system → light → dark → system, remembered in the browser's cookie.</summary>
    async Task NextModeAsync()
    {
        mode = PlaygroundTheme.Next(mode);
        Apply();
        try { await JS.InvokeVoidAsync("gptPlayground.theme.remember", mode.ToString()); }
        catch (Exception e) when (e is JSException or JSDisconnectedException or TaskCanceledException) { }
    }

    Task ShowShortcutsAsync() => KeyboardHelp.ShowAsync(Dialogs);

    void Recover() => errorBoundary?.Recover();

    /// <inheritdoc/>
    public void Dispose() => persisting?.Dispose();
}
