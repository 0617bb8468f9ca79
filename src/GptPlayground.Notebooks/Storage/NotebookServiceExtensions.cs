using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GptPlayground.Notebooks;

/// <summary>Registration of the notebook services.</summary>
public static class NotebookServiceExtensions
{
    /// <summary>Configuration key of the prompts folder.</summary>
    public const string PromptsKey = "Playground:Prompts";

    /// <summary>
    /// Registers a singleton <see cref="NotebookStorage"/> over the folder <c>Playground:Prompts</c>, else
    /// <paramref name="defaultDirectory"/> (the app passes <c>PlaygroundPaths.Prompts</c>), else ./prompts.
    /// Configuration is read when the storage is first resolved, so settings added by a test host are seen.
    /// </summary>
    public static TBuilder AddNotebooks<TBuilder>(this TBuilder builder, string? defaultDirectory = null) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton(services =>
        {
            var config = services.GetRequiredService<IConfiguration>();
            var directory = config[PromptsKey] is { Length: > 0 } dir ? dir : defaultDirectory ?? Path.Combine(Directory.GetCurrentDirectory(), "prompts");
            return new NotebookStorage(directory);
        });
        return builder;
    }
}
