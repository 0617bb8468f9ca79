namespace GptPlayground.Services;

/// <summary>
/// Default locations of <c>models/</c> and <c>prompts/</c>: beside the current directory when it has
/// them, else in the checkout the app was built from (so <c>dotnet run --project src/GptPlayground</c>
/// works from any directory), else under the current directory.
/// </summary>
public static class PlaygroundPaths
{
    /// <summary>The default models directory.</summary>
    public static string Models => Find("models");

    /// <summary>The default prompts directory.</summary>
    public static string Prompts => Find("prompts");

    /// <summary>The checkout root (the folder holding GptPlayground.sln), if the app runs from one.</summary>
    public static string? RepositoryRoot
    {
        get
        {
            foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                    if (File.Exists(Path.Combine(dir.FullName, "GptPlayground.sln"))) return dir.FullName;
            return null;
        }
    }

    static string Find(string name)
    {
        var local = Path.Combine(Directory.GetCurrentDirectory(), name);
        if (Directory.Exists(local)) return local;
        return RepositoryRoot is { } root ? Path.Combine(root, name) : local;
    }
}
