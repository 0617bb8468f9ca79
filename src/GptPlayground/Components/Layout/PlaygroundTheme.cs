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
/// The app's MudBlazor theme: one light and one dark palette, system fonts (nothing is fetched from a font CDN), and the
/// browser storage key that remembers the user's <see cref="ThemeMode"/>.
/// </summary>
public static class PlaygroundTheme
{
    /// <summary>localStorage key of the chosen <see cref="ThemeMode"/> ("System", "Light" or "Dark").</summary>
    public const string StorageKey = "gptplayground-theme";

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
}
