using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace GptPlayground.Api;

/// <summary>
/// A request body's JSON object, read field by field. Every getter checks the field's type and range and throws an
/// <see cref="ApiException"/> (400) that names the field and shows the value; <c>null</c> counts as absent. Fields no
/// getter read are refused by <see cref="RefuseUnread"/>, so a misspelt parameter is an error, not silently ignored.
/// </summary>
public sealed class JsonBody
{
    /// <summary>The largest body accepted (5 MB); a larger one gets 413.</summary>
    public const int MaxBytes = 5 * 1024 * 1024;

    readonly JsonElement root;
    readonly HashSet<string> read = new(StringComparer.Ordinal);

    JsonBody(JsonElement root) => this.root = root;

    /// <summary>Parses <paramref name="json"/>, which must be one JSON object.</summary>
    /// <exception cref="ApiException">400: empty, malformed, or not an object.</exception>
    public static JsonBody Parse(ReadOnlyMemory<byte> json)
    {
        if (json.IsEmpty) throw ApiException.BadRequest("the request body is empty: send a JSON object, e.g. {\"model\": \"NAME\", \"prompt\": \"Hello\"}", code: "invalid_json");
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw ApiException.BadRequest($"the request body must be a JSON object, not {Kind(document.RootElement)}", code: "invalid_json");
            return new JsonBody(document.RootElement.Clone());
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"the request body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {FirstSentence(e.Message)}", code: "invalid_json");
        }
    }

    /// <summary>
    /// Reads the request body (at most <see cref="MaxBytes"/>; Kestrel is told the same limit) and parses it.
    /// </summary>
    /// <exception cref="ApiException">413 over the limit; 400 as <see cref="Parse"/>.</exception>
    public static async Task<JsonBody> ReadAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = MaxBytes;
        var request = context.Request;
        if (request.ContentLength > MaxBytes) throw TooLarge(request.ContentLength.Value);
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        try
        {
            int n;
            while ((n = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + n > MaxBytes) throw TooLarge(null);
                buffer.Write(chunk, 0, n);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(null);
        }
        return Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }

    static ApiException TooLarge(long? length) =>
        new(StatusCodes.Status413PayloadTooLarge, $"the request body{(length is long l ? $" ({l:N0} bytes)" : "")} is over this server's limit of {MaxBytes:N0} bytes (5 MB)", code: "request_too_large");

    /// <summary>True when the body has <paramref name="name"/> with a value other than null (the field counts as read).</summary>
    public bool Has(string name)
    {
        read.Add(name);
        return root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;
    }

    /// <summary>The field's value, or null when absent or null (the field counts as read).</summary>
    public JsonElement? Get(string name)
    {
        read.Add(name);
        return root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;
    }

    /// <summary>A string field.</summary>
    public string? String(string name) => Get(name) is { } v
        ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw Wrong(name, v, "a string")
        : null;

    /// <summary>A required, non-empty string field.</summary>
    public string RequiredString(string name) =>
        String(name) is { Length: > 0 } s ? s : throw ApiException.BadRequest($"'{name}' is required: give a non-empty string", name, "missing_required_parameter");

    /// <summary>A true/false field.</summary>
    public bool? Bool(string name) => Get(name) is { } v
        ? v.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => throw Wrong(name, v, "true or false") }
        : null;

    /// <summary>A number field (any finite JSON number).</summary>
    public double? Number(string name) => Get(name) is { } v
        ? v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d) ? d : throw Wrong(name, v, "a number")
        : null;

    /// <summary>A whole-number field between <paramref name="min"/> and <paramref name="max"/>.</summary>
    public int? Int(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        if (Get(name) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Number) throw Wrong(name, v, $"an integer between {min} and {max}");
        if (!v.TryGetInt64(out var l) || l < min || l > max)
            throw ApiException.BadRequest($"{name} (={v.GetRawText()}) must be an integer between {min} and {max}", name, "invalid_value");
        return (int)l;
    }

    /// <summary>A seed: a whole number from 0 to 2^64-1.</summary>
    public ulong? Seed(string name)
    {
        if (Get(name) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetUInt64(out var u))
            throw ApiException.BadRequest($"{name} (={v.GetRawText()}) must be an integer between 0 and {ulong.MaxValue}", name, "invalid_value");
        return u;
    }

    /// <summary>A string or a list of strings (e.g. <c>stop</c>); at most <paramref name="maxItems"/>.</summary>
    public IReadOnlyList<string>? Strings(string name, int maxItems)
    {
        if (Get(name) is not { } v) return null;
        if (v.ValueKind == JsonValueKind.String) return [v.GetString()!];
        if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            throw Wrong(name, v, "a string or a list of strings");
        var list = v.EnumerateArray().Select(e => e.GetString()!).ToList();
        if (list.Count > maxItems) throw ApiException.BadRequest($"{name} has {list.Count} items; at most {maxItems} are allowed", name, "invalid_value");
        return list;
    }

    /// <summary>Refuses <paramref name="name"/> when present: a parameter of OpenAI's API this server does not implement.</summary>
    public void Unsupported(string name, string why, Func<JsonElement, bool>? harmless = null)
    {
        if (Get(name) is { } v && !(harmless?.Invoke(v) ?? false))
            throw ApiException.BadRequest($"'{name}' is not supported by GptPlayground: {why}", name, "unsupported_parameter");
    }

    /// <summary>Refuses the first field that no getter read: an unknown parameter.</summary>
    public void RefuseUnread(string endpoint)
    {
        foreach (var p in root.EnumerateObject())
            if (!read.Contains(p.Name))
                throw ApiException.BadRequest($"unrecognized request argument supplied: '{p.Name}' ({endpoint} takes OpenAI's parameters and the decoding extras listed in docs/api.md)", p.Name, "unknown_parameter");
    }

    /// <summary>The 400 for a field of the wrong type: names the field, the expected type and what was sent.</summary>
    public static ApiException Wrong(string name, JsonElement value, string expected) =>
        ApiException.BadRequest($"{name} must be {expected}, not {Kind(value)}{(value.ValueKind is JsonValueKind.Array or JsonValueKind.Object ? "" : $" ({Clip(value.GetRawText())})")}", name, "invalid_type");

    static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    static string Clip(string raw) => raw.Length <= 40 ? raw : raw[..39] + "…";

    static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }

    /// <summary>Formats a number as a message shows it.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
