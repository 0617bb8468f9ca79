using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;

namespace GptPlayground.Components.Layout;

/// <summary>Which palette the app shows: the system's (light or dark, following it live), or one chosen by the user.</summary>
public enum ThemeMode
{
    /// <summary>Light or dark as the operating system / browser prefers, following its changes (the default).</summary>
    System,

    /// <summary>Always the light palette.</summary>
    Light,

    /// <summary>Always the dark palette.</summary>
    Dark,
}

/// <summary>
/// The app's MudBlazor theme: one light and one dark palette, system fonts (nothing is fetched from a font CDN), the
/// cookie that remembers the user's <see cref="ThemeMode"/>, and the CSS that gives a page in
/// <see cref="ThemeMode.System"/> the dark palette by <c>prefers-color-scheme</c> before any script runs.
/// </summary>
public static partial class PlaygroundTheme
{
    /// <summary>
    /// Name of the cookie holding the chosen <see cref="ThemeMode"/> ("System", "Light" or "Dark"; written by
    /// js/theme.js when the theme button is pressed, read by the server so that the first paint has the chosen theme).
    /// </summary>
    public const string CookieName = "gptplayground-theme";

    /// <summary>The theme given to <c>MudThemeProvider</c>.</summary>
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#2f6fd0",
            Secondary = "#5f6b7a",
            AppbarBackground = "#1e3a5f",
            Background = "#f6f8fa",
            Surface = "#ffffff",
            Warning = "#a86400",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#7aa7ff",
            Secondary = "#a3adba",
            AppbarBackground = "#15202e",
            Background = "#12161c",
            Surface = "#1b2129",
            Warning = "#f0b454",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
            },
            Button = new ButtonTypography { TextTransform = "none" },     // "Run cell", not "RUN CELL"
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "6px" },
    };

    /// <summary>The mode after <paramref name="mode"/> in the theme button's cycle: system → light → dark → system.</summary>
    public static ThemeMode Next(ThemeMode mode) => mode switch
    {
        ThemeMode.System => ThemeMode.Light,
        ThemeMode.Light => ThemeMode.Dark,
        _ => ThemeMode.System,
    };

    /// <summary>Reads a stored mode; anything unknown (or nothing) is <see cref="ThemeMode.System"/>.</summary>
    public static ThemeMode Parse(string? stored) =>
        Enum.TryParse<ThemeMode>(stored, ignoreCase: true, out var mode) && Enum.IsDefined(mode) ? mode : ThemeMode.System;

    static Task<string>? systemDarkCss;

    /// <summary>
    /// A <c>&lt;style&gt;</c> element that applies <see cref="Theme"/>'s dark palette when the browser prefers a dark
    /// colour scheme (<c>@media (prefers-color-scheme: dark)</c>): the page of a user in <see cref="ThemeMode.System"/>
    /// mode is dark from its first paint, before the circuit starts and can ask the browser. The variables are MudBlazor's
    /// own, rendered once by its <see cref="MudThemeProvider"/> in dark mode (so they stay complete across its updates)
    /// and kept for the process.
    /// </summary>
    /// <param name="services">Services to render the provider with (the app's, with MudBlazor's).</param>
    public static Task<string> SystemDarkCssAsync(IServiceProvider services)
    {
        var css = systemDarkCss ??= RenderSystemDarkCssAsync(services);
        if (css.IsFaulted) systemDarkCss = null;     // tried again next time; this caller sees the error
        return css;
    }

    static async Task<string> RenderSystemDarkCssAsync(IServiceProvider services)
    {
        await using var renderer = new HtmlRenderer(services, services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var parameters = ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(MudThemeProvider.Theme)] = Theme,
                [nameof(MudThemeProvider.IsDarkMode)] = true,
                [nameof(MudThemeProvider.ObserveSystemDarkModeChange)] = false,
            });
            return (await renderer.RenderComponentAsync<MudThemeProvider>(parameters)).ToHtmlString();
        });
        var variables = StyleBlocks().Matches(html).Select(m => m.Groups[1].Value).FirstOrDefault(b => b.Contains("--mud-palette-background", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("MudThemeProvider rendered no --mud-palette-background variable: the dark palette cannot be given to a system-dark first paint");
        return $"<style class=\"system-dark\">@media (prefers-color-scheme: dark) {{\n{variables.Trim()}\n}}</style>";
    }

    [GeneratedRegex(@"<style[^>]*>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleBlocks();
}
