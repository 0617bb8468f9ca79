using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using GptPlayground.Services;
using Microsoft.AspNetCore.Http;

namespace GptPlayground.Api;

/// <summary>
/// The <see cref="PlaygroundSession"/> of each API client, so that the model's fair queue takes turns between clients as
/// it does between browser tabs: a client is its Bearer key (hashed; the key is not kept), else its IP address. API
/// sessions are never closed: a request stops when its own connection does (<see cref="HttpContext.RequestAborted"/>).
/// </summary>
public sealed class ApiSessions : IDisposable
{
    /// <summary>Most clients remembered; past it the table starts afresh (queue fairness restarts, nothing else is lost).</summary>
    public const int MaxClients = 10_000;

    readonly ConcurrentDictionary<string, PlaygroundSession> sessions = new(StringComparer.Ordinal);

    /// <summary>The session of the client that sent <paramref name="request"/>.</summary>
    public PlaygroundSession For(HttpRequest request)
    {
        if (sessions.Count >= MaxClients) sessions.Clear();
        return sessions.GetOrAdd(ClientOf(request), _ => new PlaygroundSession());
    }

    /// <summary>Who sent a request: "key:" and a hash of its Bearer key, else "ip:" and its address.</summary>
    public static string ClientOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header[7..].Trim() is { Length: > 0 } key)
            return "key:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
        return "ip:" + (request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var session in sessions.Values) session.Dispose();
        sessions.Clear();
    }
}
