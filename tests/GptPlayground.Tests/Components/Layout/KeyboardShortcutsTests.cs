using GptPlayground.Components.Layout;
using MudBlazor;

namespace GptPlayground.Tests.Components.Layout;

/// <summary>The "?" help dialog and the list it shows.</summary>
public class KeyboardShortcutsTests
{
    [Fact]
    public async Task The_help_dialog_lists_every_shortcut_with_where_and_what()
    {
        using var ctx = new ComponentContext();
        var dialogs = ctx.Render<MudDialogProvider>();

        await dialogs.InvokeAsync(() => KeyboardHelp.ShowAsync(ctx.Services.GetService(typeof(IDialogService)) as IDialogService ?? throw new InvalidOperationException()));

        dialogs.WaitForAssertion(() => Assert.Equal(KeyboardShortcuts.All.Count, dialogs.FindAll("tr[data-keys]").Count));
        foreach (var s in KeyboardShortcuts.All)
        {
            var row = dialogs.Find($"tr[data-keys='{s.Keys}']");
            Assert.Contains(s.Does, row.TextContent);
            Assert.Contains(s.Where, row.TextContent);
        }
    }

    [Fact]
    public void Every_shortcut_the_script_handles_is_listed()
    {
        var script = File.ReadAllText(Path.Combine(GptPlayground.Services.PlaygroundPaths.RepositoryRoot!, "wwwroot", "js", "notebook-keys.js"));

        foreach (var keys in new[] { "Ctrl/Cmd+Enter", "Shift+Enter", "Alt+Enter", "Esc", "Alt+V", "Alt+B", "Ctrl/Cmd+S", "?" })
        {
            Assert.Contains(KeyboardShortcuts.All, s => s.Keys == keys);
            Assert.Contains(keys, script);
        }
    }
}
