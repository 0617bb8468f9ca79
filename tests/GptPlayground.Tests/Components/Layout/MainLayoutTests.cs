using GptPlayground.Components.Layout;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GptPlayground.Tests.Components.Layout;

/// <summary>The layout: light/dark theme following the system or chosen and remembered, and the keyboard help.</summary>
public class MainLayoutTests
{
    static IRenderedComponent<MainLayout> Render(ComponentContext ctx)
    {
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return ctx.Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddMarkupContent(0, "<h1>page</h1>"))));
    }

    [Fact]
    public void Theme_follows_the_system_by_default()
    {
        using var ctx = new ComponentContext();
        ctx.JSInterop.Setup<bool>(i => i.Identifier.Contains("darkMode", StringComparison.OrdinalIgnoreCase) || i.Identifier.Contains("DarkMode")).SetResult(true);

        var cut = Render(ctx);

        cut.WaitForAssertion(() => Assert.Equal("system", cut.Find("button[aria-label='Switch theme']").GetAttribute("data-theme-mode")));
        cut.WaitForAssertion(() => Assert.True(cut.Instance.IsDark));
    }

    [Fact]
    public void Theme_button_cycles_system_light_dark_and_remembers_the_choice()
    {
        using var ctx = new ComponentContext();
        var cut = Render(ctx);
        string Mode() => cut.Find("button[aria-label='Switch theme']").GetAttribute("data-theme-mode")!;

        cut.Find("button[aria-label='Switch theme']").Click();
        cut.WaitForAssertion(() => Assert.Equal("light", Mode()));
        Assert.False(cut.Instance.IsDark);
        cut.Find("button[aria-label='Switch theme']").Click();
        cut.WaitForAssertion(() => Assert.Equal("dark", Mode()));
        Assert.True(cut.Instance.IsDark);

        var stored = ctx.JSInterop.Invocations.Where(i => i.Identifier == "gptPlayground.theme.remember").Select(i => i.Arguments[0]).ToList();
        Assert.Equal(["Light", "Dark"], stored);        // in the cookie that the server reads (js/theme.js)
    }

    [Fact]
    public void A_remembered_choice_is_applied_on_load_without_a_server_rendered_page()
    {
        using var ctx = new ComponentContext();
        ctx.JSInterop.Setup<string?>("gptPlayground.theme.read").SetResult("Dark");

        var cut = Render(ctx);

        cut.WaitForAssertion(() => Assert.Equal(ThemeMode.Dark, cut.Instance.Mode));
        Assert.True(cut.Instance.IsDark);
    }

    [Fact]
    public void In_system_mode_the_dark_palette_applies_by_media_query_and_in_a_chosen_mode_it_does_not()
    {
        using var ctx = new ComponentContext();
        var cut = Render(ctx);
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("style.system-dark")));
        var css = cut.Find("style.system-dark").TextContent;
        Assert.StartsWith("@media (prefers-color-scheme: dark)", css);
        Assert.Contains($"--mud-palette-background: {PlaygroundTheme.Theme.PaletteDark.Background}", css);
        Assert.Contains($"--mud-palette-surface: {PlaygroundTheme.Theme.PaletteDark.Surface}", css);

        cut.Find("button[aria-label='Switch theme']").Click();       // system -> light: the system's preference no longer counts

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("style.system-dark")));
    }

    [Theory]
    [InlineData(null, ThemeMode.System)]
    [InlineData("light", ThemeMode.Light)]
    [InlineData("Dark", ThemeMode.Dark)]
    [InlineData("purple", ThemeMode.System)]
    [InlineData("7", ThemeMode.System)]
    public void Stored_mode_is_read_leniently(string? stored, ThemeMode expected) => Assert.Equal(expected, PlaygroundTheme.Parse(stored));

    [Fact]
    public void Keyboard_button_opens_the_list_of_every_shortcut()
    {
        using var ctx = new ComponentContext();
        var cut = Render(ctx);

        cut.Find("button[aria-label='Keyboard shortcuts']").Click();

        cut.WaitForAssertion(() => Assert.Equal(KeyboardShortcuts.All.Count, cut.FindAll(".keyboard-help tr[data-keys]").Count));
        foreach (var keys in new[] { "Ctrl/Cmd+Enter", "Esc", "Alt+Enter", "Alt+V", "Alt+B", "?" })
            Assert.Single(cut.FindAll($".keyboard-help tr[data-keys='{keys}']"));
    }
}
