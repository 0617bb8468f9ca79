using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using GptPlayground.Onnx;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;

namespace GptPlayground.Tests.Api;

/// <summary>
/// The app on a loopback port (Kestrel, real HTTP) over a temp models folder: <c>tiny</c> (one layer, fast), <c>slow</c>
/// (4 layers, 256 hidden, 4096 context: long generations to cancel or to fill a queue) and <c>broken</c> (model.onnx is
/// not ONNX), all written by the project's own <see cref="SynthGpt"/>.
/// </summary>
public sealed class ApiApp : IAsyncLifetime
{
    readonly string root = Directory.CreateTempSubdirectory("gptplayground-api-").FullName;
    readonly List<WebApplicationFactory<Program>> factories = [];

    /// <summary>The models folder.</summary>
    public string Models => Path.Combine(root, "models");

    /// <summary>The default app's base address, e.g. http://127.0.0.1:41234.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>The default app's services.</summary>
    public IServiceProvider Services { get; private set; } = default!;

    public Task InitializeAsync()
    {
        SynthGpt.Write(new SynthGptOptions { Layers = 1, Hidden = 32, Heads = 2, Vocab = 300, Seed = 5 }, Path.Combine(Models, "tiny"));
        SynthGpt.Write(new SynthGptOptions { Layers = 4, Hidden = 256, Heads = 4, Vocab = 300, Context = 4096, Seed = 4 }, Path.Combine(Models, "slow"));
        Directory.CreateDirectory(Path.Combine(Models, "broken"));
        File.WriteAllText(Path.Combine(Models, "broken", "model.onnx"), "garbage, not protobuf");
        (BaseUrl, Services) = Start();
        return Task.CompletedTask;
    }

    /// <summary>Starts another instance of the app over <see cref="Models"/> (or <paramref name="models"/>) with extra settings; stopped with the fixture.</summary>
    public (string BaseUrl, IServiceProvider Services) Start(IReadOnlyDictionary<string, string>? settings = null, string? models = null)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production")
             .UseSetting("Playground:Models", models ?? Models)
             .UseSetting("Playground:Prompts", Directory.CreateDirectory(Path.Combine(root, "prompts")).FullName);
            foreach (var (key, value) in settings ?? new Dictionary<string, string>()) b.UseSetting(key, value);
        });
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        factories.Add(factory);
        var url = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return (url, factory.Services);
    }

    /// <summary>An OpenAI SDK client of <paramref name="baseUrl"/> (default: this app) that does not retry, so status codes are seen as sent.</summary>
    public OpenAIClient Client(string? baseUrl = null, string key = "unused") =>
        new(new ApiKeyCredential(key), new OpenAIClientOptions
        {
            Endpoint = new Uri((baseUrl ?? BaseUrl) + "/v1"),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        });

    public async Task DisposeAsync()
    {
        foreach (var factory in factories) await factory.DisposeAsync();
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }
}
