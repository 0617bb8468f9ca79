using System.Net;
using GptPlayground.Onnx;
using GptPlayground.Services;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace GptPlayground.Tests.E2E;

/// <summary>
/// The app on a loopback port (Kestrel) over a temp models folder and a temp prompts folder, and Debian's Chromium
/// driven by Playwright (<c>apt-get install -y chromium</c>; never <c>playwright install</c>). Models: <c>tiny</c>
/// (fast) and <c>slow</c> (4 layers, 256 hidden, 4096 context: long generations to cancel), plus a copy of the
/// checkout's models/playground-mini when it is there.
/// </summary>
public sealed class BrowserApp : IAsyncLifetime
{
    /// <summary>Where Debian installs Chromium.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    readonly string root = Directory.CreateTempSubdirectory("gptplayground-e2e-").FullName;
    WebApplicationFactory<Program>? factory;
    IPlaywright? playwright;

    public string Models => Path.Combine(root, "models");

    /// <summary>The checkout's models/playground-mini when it holds a model (it is committed once trained), else null.</summary>
    public static string? RepositoryModel =>
        PlaygroundPaths.RepositoryRoot is { } repo && File.Exists(Path.Combine(repo, "models", "playground-mini", "model.onnx"))
            ? Path.Combine(repo, "models", "playground-mini") : null;

    /// <summary>The model the demo notebooks use: the shipped default model when present, else the synthetic <c>tiny</c>.</summary>
    public static string DemoModel => RepositoryModel is null ? "tiny" : "playground-mini";
    public string Prompts => Path.Combine(root, "prompts");
    public string BaseUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = default!;

    /// <summary>Screenshots go here when the variable PLAYGROUND_SCREENSHOTS names a folder (docs/images is made this way).</summary>
    public static string? ScreenshotFolder => Environment.GetEnvironmentVariable("PLAYGROUND_SCREENSHOTS") is { Length: > 0 } dir ? dir : null;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} not found: browser tests need Debian's Chromium (apt-get install -y chromium; .ci/run does this)");
        SynthGpt.Write(new SynthGptOptions { Layers = 2, Hidden = 64, Heads = 4, Vocab = 300, Seed = 3 }, Path.Combine(Models, "tiny"));
        SynthGpt.Write(new SynthGptOptions { Layers = 4, Hidden = 256, Heads = 4, Vocab = 300, Context = 4096, Seed = 4 }, Path.Combine(Models, "slow"));
        Directory.CreateDirectory(Prompts);
        if (RepositoryModel is { } shipped)
        {
            // the project's own trained model, when the checkout has it: real text for the screenshots
            var target = Directory.CreateDirectory(Path.Combine(Models, Path.GetFileName(shipped)));
            foreach (var file in Directory.GetFiles(shipped)) File.Copy(file, Path.Combine(target.FullName, Path.GetFileName(file)));
        }

        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseEnvironment("Development")
            .UseSetting("Playground:Models", Models)
            .UseSetting("Playground:Prompts", Prompts)
            .UseSetting("Playground:DisconnectGraceSeconds", "2"));
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        BaseUrl = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox"] });
    }

    /// <summary>A new page at <paramref name="path"/>, returned once the Blazor circuit is connected (clicks before that are lost).</summary>
    public async Task<IPage> OpenAsync(string path, int width = 1400, int height = 900, IBrowserContext? context = null)
    {
        var page = context is null
            ? await Browser.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = height } })
            : await context.NewPageAsync();
        if (context is not null) await page.SetViewportSizeAsync(width, height);
        page.PageError += (_, e) => Console.WriteLine($"[pageerror] {e}");
        var connected = page.WaitForConsoleMessageAsync(new() { Predicate = m => m.Text.Contains("WebSocket connected"), Timeout = 30000 });
        await page.GotoAsync(BaseUrl + path);
        await connected;
        await page.WaitForTimeoutAsync(300);       // the circuit attaches the components just after the socket connects
        return page;
    }

    /// <summary>Polls <paramref name="locator"/>'s text until <paramref name="done"/> says so; fails with the last text after the timeout.</summary>
    public static async Task WaitForText(ILocator locator, Func<string, bool> done, int timeoutMs = 60000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        string text = "";
        while (DateTime.UtcNow < until)
        {
            text = await locator.InnerTextAsync();
            if (done(text)) return;
            await Task.Delay(100);
        }
        Assert.Fail($"timed out; last text: {text}");
    }

    /// <summary>Writes a notebook file into the prompts folder.</summary>
    public void WriteNotebook(string name, string text) => File.WriteAllText(Path.Combine(Prompts, name), text);

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        if (factory is not null) await factory.DisposeAsync();
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }
}
