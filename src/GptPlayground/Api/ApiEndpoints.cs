using GptPlayground.Inference.Models;
using GptPlayground.Inference.Serving;
using GptPlayground.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GptPlayground.Api;

/// <summary>
/// The OpenAI-compatible HTTP API (docs/api.md): <c>GET /v1/models</c>, <c>GET /v1/models/{id}</c>,
/// <c>POST /v1/completions</c> and <c>POST /v1/chat/completions</c> (with <c>stream: true</c> as server-sent events).
/// Requests run through the same <see cref="GenerationRunner"/> and fair queue as the UI, one session per client
/// (<see cref="ApiSessions"/>); who may call is decided by the access guard (Web/AccessGuard.cs) before a request gets
/// here. Every error is answered in OpenAI's shape (<see cref="ApiException"/>).
/// </summary>
public static class ApiEndpoints
{
    /// <summary>Maps the API under <c>/v1</c>.</summary>
    public static WebApplication MapOpenAiApi(this WebApplication app)
    {
        var sessions = new ApiSessions();
        app.Lifetime.ApplicationStopping.Register(sessions.Dispose);   // stops the API's generations on shutdown
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GptPlayground.Api");
        var v1 = app.MapGroup("/v1");
        v1.MapGet("/models", (HttpContext context) => Answer(context, logger, () =>
            Json(context, new { @object = "list", data = ApiModels.List(Catalog(context)) })));
        v1.MapGet("/models/{**id}", (HttpContext context, string id) => Answer(context, logger, () =>
            Json(context, ApiModels.Find(Catalog(context), id))));
        v1.MapPost("/completions", (HttpContext context) => Answer(context, logger, () => GenerateAsync(context, sessions, chat: false)));
        v1.MapPost("/chat/completions", (HttpContext context) => Answer(context, logger, () => GenerateAsync(context, sessions, chat: true)));
        v1.Map("/{**path}", (HttpContext context, string? path) => Answer(context, logger, () => throw (path is "models" or "completions" or "chat/completions"
            ? new ApiException(StatusCodes.Status405MethodNotAllowed, $"{context.Request.Method} is not allowed on /v1/{path}: use {(path == "models" ? "GET" : "POST")}", null, "method_not_allowed")
            : new ApiException(StatusCodes.Status404NotFound, $"no API endpoint /v1/{path}: GptPlayground serves /v1/models, /v1/completions and /v1/chat/completions", null, "unknown_url"))));
        return app;
    }

    static ModelCatalog Catalog(HttpContext context) => context.RequestServices.GetRequiredService<ModelCatalog>();

    static async Task GenerateAsync(HttpContext context, ApiSessions sessions, bool chat)
    {
        var aborted = context.RequestAborted;
        var body = await JsonBody.ReadAsync(context);
        var request = chat ? ApiRequest.ChatCompletion(body) : ApiRequest.Completion(body);
        var services = context.RequestServices;
        var catalog = services.GetRequiredService<ModelCatalog>();
        var generation = new ApiGeneration(catalog, services.GetService<RunRecords>());
        var run = await generation.PrepareAsync(request, aborted);
        var runner = ActivatorUtilities.CreateInstance<GenerationRunner>(services, sessions.For(context.Request));
        var steps = generation.RunAsync(run, runner, aborted);
        if (request.Stream) await ApiResponses.StreamAsync(context, run, steps, aborted);
        else await ApiResponses.WriteAsync(context, run, steps, aborted);
    }

    static Task Json(HttpContext context, object body)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(body, ApiResponses.JsonOptions), context.RequestAborted);
    }

    /// <summary>
    /// Runs a handler and answers its errors in OpenAI's shape: <see cref="ApiException"/> as it is, anything else as a
    /// 500 with the exception's message (and a log line). A client that went away ends the request quietly.
    /// </summary>
    static async Task Answer(HttpContext context, ILogger logger, Func<Task> handler)
    {
        try
        {
            await handler();
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the client disconnected: its generation was cancelled with it
        }
        catch (ApiException e) when (!context.Response.HasStarted)
        {
            await e.WriteAsync(context.Response);
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            logger.LogError(e, "API request {Method} {Path} failed", context.Request.Method, context.Request.Path);
            await new ApiException(StatusCodes.Status500InternalServerError, $"internal error: {e.GetType().Name}: {e.Message}", null, "internal_error").WriteAsync(context.Response);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "API request {Method} {Path} failed after its response started", context.Request.Method, context.Request.Path);
        }
    }
}
