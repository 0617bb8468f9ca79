using System.Diagnostics;
using GptPlayground.Services;

namespace GptPlayground.Tests.Services;

/// <summary>Where the CLI's default folders and the user's relative paths point (issue 14, bugs 1 and 2).</summary>
public sealed class PlaygroundPathsTests : IDisposable
{
    readonly string root = Path.Combine(Path.GetTempPath(), "gptplayground-paths-" + Guid.NewGuid().ToString("N")[..8]);

    public PlaygroundPathsTests()
    {
        Directory.CreateDirectory(Path.Combine(root, "checkout", "models"));
        Directory.CreateDirectory(Path.Combine(root, "checkout", "src", "GptPlayground", "bin"));
        File.WriteAllText(Path.Combine(root, "checkout", "GptPlayground.sln"), "");
        Directory.CreateDirectory(Path.Combine(root, "elsewhere", "models"));
        Directory.CreateDirectory(Path.Combine(root, "empty"));
    }

    string At(params string[] parts) => Path.Combine([root, .. parts]);

    [Fact]
    public void Inside_a_checkout_the_default_models_folder_is_the_checkouts_even_when_the_subfolder_has_a_stray_one()
    {
        // a synth-model run under the old `dotnet run` working directory left src/GptPlayground/models/tiny behind
        Directory.CreateDirectory(At("checkout", "src", "GptPlayground", "models", "tiny"));

        var models = PlaygroundPaths.Find("models", At("checkout", "src", "GptPlayground"), At("checkout", "src", "GptPlayground", "bin"));

        Assert.Equal(At("checkout", "models"), models);
    }

    [Theory]
    [InlineData("elsewhere", "elsewhere")]           // the user's own folder outside the checkout
    [InlineData("empty", "checkout")]                // none there: the checkout the app was built from
    public void Outside_a_checkout_the_current_folder_wins_when_it_has_one(string current, string expectedParent)
    {
        var models = PlaygroundPaths.Find("models", At(current), At("checkout", "src", "GptPlayground", "bin"));

        Assert.Equal(At(expectedParent, "models"), models);
    }

    [Fact]
    public void Dotnet_run_keeps_the_directory_the_user_ran_it_in()
    {
        // the web SDK runs a project in its own folder unless EnableDefaultRunWorkingDirectory is false; then
        // `dotnet run --project src/GptPlayground -- run prompts/x.md` from the root looked for src/GptPlayground/prompts/x.md
        var project = Path.Combine(PlaygroundPaths.RepositoryRoot!, "src", "GptPlayground");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "msbuild", project, "-getProperty:RunWorkingDirectory", "-nologo" }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        Assert.Equal(0, process.ExitCode);
        Assert.Equal("", output.Trim());
    }

    [Fact]
    public void The_trash_of_the_default_prompts_folder_is_git_ignored()
    {
        // issue 14, bug 6: deleting a shipped notebook left an untracked prompts/.trash/ in `git status`
        var trashed = Path.Combine(PlaygroundPaths.RepositoryRoot!, "prompts", GptPlayground.Notebooks.NotebookStorage.TrashFolder, "a copy.md~20261201T000000000Z.md");
        var start = new ProcessStartInfo("git") { WorkingDirectory = PlaygroundPaths.RepositoryRoot!, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "check-ignore", "--no-index", "-q", trashed }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        process.WaitForExit();

        Assert.Equal(0, process.ExitCode);   // 1: not ignored
    }

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }
}
