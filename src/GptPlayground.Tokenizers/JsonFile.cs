using System.Text.Json;

namespace GptPlayground.Tokenizers;

/// <summary>
/// Reads the JSON files of a model folder. Every error becomes a <see cref="TokenizerException"/> that names the
/// file as the user knows it ("models/gpt2/tokenizer.json") and, for bad JSON, the line and byte of the problem.
/// </summary>
internal static class JsonFile
{
    static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Parses <paramref name="path"/>; null when the file does not exist.</summary>
    /// <param name="path">The file.</param>
    /// <param name="display">The name to show in messages.</param>
    /// <exception cref="TokenizerException">The file cannot be read or is not valid JSON.</exception>
    public static JsonDocument? TryRead(string path, string display) =>
        File.Exists(path) ? Parse(ReadBytes(path, display), display) : null;

    /// <summary>Parses the bytes of a JSON file (a UTF-8 BOM is skipped).</summary>
    /// <exception cref="TokenizerException">Not valid JSON; the message names the file, the line and the byte.</exception>
    public static JsonDocument Parse(byte[] bytes, string display)
    {
        try
        {
            return JsonDocument.Parse(bytes.AsMemory(bytes.AsSpan().StartsWith(Utf8Bom) ? Utf8Bom.Length : 0));
        }
        catch (JsonException e)
        {
            string reason = e.Message;
            int cut = reason.IndexOf(" Path:", StringComparison.Ordinal) is >= 0 and var p ? p
                : reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0) reason = reason[..cut];
            throw new TokenizerException(
                $"{display}: malformed JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {reason}", e);
        }
    }

    /// <summary>The bytes of any model file (JSON or not).</summary>
    /// <exception cref="TokenizerException">The file cannot be read.</exception>
    public static byte[] ReadBytes(string path, string display)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TokenizerException($"{display}: cannot read the file: {e.Message}", e);
        }
    }

    /// <summary>The property <paramref name="name"/> when present and not null.</summary>
    public static JsonElement? Get(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>A string property, or null when absent, null or not a string.</summary>
    public static string? GetString(this JsonElement element, string name) =>
        element.Get(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    /// <summary>A boolean property, or <paramref name="fallback"/> when absent or not a boolean.</summary>
    public static bool GetBool(this JsonElement element, string name, bool fallback = false) =>
        element.Get(name) is { ValueKind: JsonValueKind.True or JsonValueKind.False } value ? value.GetBoolean() : fallback;

    /// <summary>An integer property, or null when absent, null or not an integer.</summary>
    public static int? GetInt(this JsonElement element, string name) =>
        element.Get(name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt32(out int n) ? n : null;
}
