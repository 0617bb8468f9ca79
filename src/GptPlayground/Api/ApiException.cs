using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace GptPlayground.Api;

/// <summary>
/// An error of the OpenAI-compatible API, answered as <c>{"error": {"message", "type", "param", "code"}}</c> with
/// <see cref="Status"/>: 400 for a bad request (the message names the parameter, its value and the allowed range), 401
/// without a key, 404 for an unknown model or path, 413 for a body over the limit, 429 when the model's queue is full,
/// 503 when the model cannot load.
/// </summary>
/// <param name="status">The HTTP status.</param>
/// <param name="message">What is wrong and what to do, for the caller.</param>
/// <param name="param">The request parameter it is about, e.g. "temperature"; null when none.</param>
/// <param name="code">A machine-readable code, e.g. "model_not_found"; null when none.</param>
public sealed class ApiException(int status, string message, string? param = null, string? code = null) : Exception(message)
{
    /// <summary>The HTTP status.</summary>
    public int Status { get; } = status;

    /// <summary>The request parameter the error is about, or null.</summary>
    public string? Param { get; } = param;

    /// <summary>A machine-readable code, or null.</summary>
    public string? Code { get; } = code;

    /// <summary>OpenAI's error type for <see cref="Status"/>: invalid_request_error, authentication_error, rate_limit_error or server_error.</summary>
    public string Type => Status switch
    {
        StatusCodes.Status401Unauthorized => "authentication_error",
        StatusCodes.Status403Forbidden => "permission_error",
        StatusCodes.Status429TooManyRequests => "rate_limit_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };

    /// <summary>A 400 about <paramref name="param"/>.</summary>
    public static ApiException BadRequest(string message, string? param = null, string? code = null) =>
        new(StatusCodes.Status400BadRequest, message, param, code);

    /// <summary>The error object as JSON: <c>{"error": {...}}</c>.</summary>
    public string ToJson() => JsonSerializer.Serialize(new { error = new { message = Message, type = Type, param = Param, code = Code } }, ApiResponses.JsonOptions);

    /// <summary>Answers the error (status and JSON body). Only call before the response has started.</summary>
    public Task WriteAsync(HttpResponse response)
    {
        response.StatusCode = Status;
        response.ContentType = "application/json";
        return response.WriteAsync(ToJson());
    }
}
