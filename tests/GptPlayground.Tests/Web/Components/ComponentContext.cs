using Bunit;
using Bunit.Rendering;
using GptPlayground.Inference.Models;
using GptPlayground.Inference.Serving;
using GptPlayground.Notebooks;
using GptPlayground.Web;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Radzen;

namespace GptPlayground.Tests.Web.Components;

/// <summary>
/// A bunit context for the app's components. bunit 1.9.8's TestContext creates its JS interop, which implements
/// IJSUnmarshalledRuntime (gone in .NET 10); this one is built on TestContextBase and never creates it (see
/// ../shared/recipes/BunitNoJsTestContext.cs). JS calls answer default values.
/// </summary>
public sealed class ComponentContext : TestContextBase
{
    public ComponentContext()
    {
        Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        Services.AddSingleton<TestContextBase>(this);
        Services.AddSingleton<Bunit.Diffing.HtmlComparer>();
        Services.AddSingleton<BunitHtmlParser>();
        Services.AddSingleton<IRenderedComponentActivator, RenderedComponentActivator>();
        Services.AddSingleton<ITestRenderer, RenderModeTolerantRenderer>();
        Services.AddSingleton<Microsoft.JSInterop.IJSRuntime, NoopJSRuntime>();
        Services.AddSingleton<NavigationManager, TestNavigationManager>();
        Services.AddRadzenComponents();
    }

    /// <summary>Adds the engine and notebook services over a models folder and a prompts folder, as the app does.</summary>
    public ComponentContext WithPlayground(string modelsDirectory, string? promptsDirectory = null)
    {
        var catalog = new ModelCatalog(modelsDirectory);
        Services.AddSingleton(catalog);
        Services.AddSingleton<ModelLeases>();
        Services.AddSingleton(new GenerationQueue());
        Services.AddSingleton<PlaygroundSession>();
        Services.AddSingleton<GenerationRunner>();
        Services.AddSingleton<PromptTokens>();
        if (promptsDirectory is not null) Services.AddSingleton(new NotebookStorage(promptsDirectory));
        return this;
    }

    public IRenderedComponent<T> Render<T>(Action<ComponentParameterCollectionBuilder<T>>? build = null) where T : IComponent
    {
        var ps = new ComponentParameterCollectionBuilder<T>(build ?? (_ => { })).Build();
        return (IRenderedComponent<T>)Renderer.RenderComponent<T>(ps);
    }
}

/// <summary>A navigation manager that records where it was sent and supports navigation locks (bunit 1.9.8's fake does not).</summary>
public sealed class TestNavigationManager : NavigationManager
{
    public TestNavigationManager() => Initialize("http://localhost/", "http://localhost/");

    protected override void NavigateToCore(string uri, NavigationOptions options) => Uri = ToAbsoluteUri(uri).ToString();

    protected override void SetNavigationLockState(bool value) { }
}

public sealed class NoopJSRuntime : Microsoft.JSInterop.IJSRuntime
{
    public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => ValueTask.FromResult(default(TValue)!);
    public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) => ValueTask.FromResult(default(TValue)!);
}

/// <summary>.NET 8+ renderers resolve @rendermode; bunit 1.9.8 predates that, so components are created directly.</summary>
public sealed class RenderModeTolerantRenderer(IRenderedComponentActivator activator, TestServiceProvider services, ILoggerFactory loggerFactory)
    : WebTestRenderer(activator, services, loggerFactory)
{
    protected override IComponent ResolveComponentForRenderMode(Type componentType, int? parentComponentId,
        IComponentActivator componentActivator, IComponentRenderMode renderMode)
        => componentActivator.CreateInstance(componentType);
}
