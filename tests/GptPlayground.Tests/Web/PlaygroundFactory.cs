using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace GptPlayground.Tests.Web;

/// <summary>Hosts the app in memory (TestServer) over a given models folder, prompts folder (default: a new empty temp folder) and environment.</summary>
public static class PlaygroundFactory
{
    public static WebApplicationFactory<Program> Create(string modelsDirectory, string environment = "Development", string? promptsDirectory = null) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseEnvironment(environment)
            .UseSetting("Playground:Models", modelsDirectory)
            .UseSetting("Playground:Prompts", promptsDirectory ?? Directory.CreateTempSubdirectory("gptplayground-web-prompts-").FullName));
}
