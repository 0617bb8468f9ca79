namespace GptPlayground.Services;

/// <summary>
/// Default locations of <c>models/</c> and <c>prompts/</c>. Inside a checkout (the current directory or a folder
/// above it holds GptPlayground.sln) they are the checkout's own, whichever sub-folder the command runs in; outside
/// one, the current directory's when it has them, else those of the checkout the app was built from (so
/// <c>dotnet run --project DIR/src/GptPlayground</c> works from anywhere), else under the current directory.
/// </summary>
/// <remarks>
/// Paths the user types (a notebook, <c>--out</c>, <c>--models</c>) are not resolved here: they are relative to the
/// directory the command runs in, which under <c>dotnet run</c> is the user's own (the project turns off the web
/// SDK's default of running in the project folder: <c>EnableDefaultRunWorkingDirectory</c> in GptPlayground.csproj).
/// </remarks>
public static class PlaygroundPaths
{
    /// <summary>The default models directory.</summary>
    public static string Models => Find("models", Directory.GetCurrentDirectory(), AppContext.BaseDirectory);

    /// <summary>The default prompts directory.</summary>
    public static string Prompts => Find("prompts", Directory.GetCurrentDirectory(), AppContext.BaseDirectory);

    /// <summary>The checkout root (the folder holding GptPlayground.sln), if the app runs from one.</summary>
    public static string? RepositoryRoot => CheckoutOf(Directory.GetCurrentDirectory()) ?? CheckoutOf(AppContext.BaseDirectory);

    /// <summary>
    /// The default folder <paramref name="name"/> (<c>models</c> or <c>prompts</c>) for a command run in
    /// <paramref name="currentDirectory"/> by an app whose binaries are in <paramref name="baseDirectory"/>.
    /// </summary>
    public static string Find(string name, string currentDirectory, string baseDirectory)
    {
        if (CheckoutOf(currentDirectory) is { } checkout) return Path.Combine(checkout, name);
        var local = Path.Combine(currentDirectory, name);
        if (Directory.Exists(local)) return local;
        return CheckoutOf(baseDirectory) is { } built ? Path.Combine(built, name) : local;
    }

    static string? CheckoutOf(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GptPlayground.sln"))) return dir.FullName;
        return null;
    }
}
