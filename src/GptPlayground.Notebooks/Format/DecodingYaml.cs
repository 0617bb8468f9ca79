using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GptPlayground.Decoding;
using YamlDotNet.RepresentationModel;

namespace GptPlayground.Notebooks;

/// <summary>
/// <see cref="DecodingSettings"/> as YAML with its snake_case names (<c>max_new_tokens: 32</c>). Only set values are
/// written, in the order of <see cref="DecodingSetting.All"/>, whose descriptors give each key and value type, so
/// settings added there are read and written without changes here.
/// </summary>
public static class DecodingYaml
{
    /// <summary>Every snake_case name a decoding block may use.</summary>
    public static IReadOnlyList<string> Names => DecodingSettings.Names;

    /// <summary>The YAML lines of the set values, each ending in "\n"; "{}\n" when nothing is set.</summary>
    public static string Write(DecodingSettings settings, int indent = 0)
    {
        var sb = new StringBuilder();
        foreach (var setting in DecodingSetting.All)
        {
            var name = setting.Name;
            var value = setting.GetValue(settings);
            if (value is null) continue;
            var json = JsonSerializer.SerializeToNode(value, setting.ValueType);
            if (json is JsonArray array)
            {
                sb.Append(' ', indent).Append(name).Append(':');
                if (array.Count == 0) { sb.Append(" []\n"); continue; }
                sb.Append('\n');
                foreach (var item in array)
                    sb.Append(' ', indent + 2).Append("- ").Append(ScalarOf(item)).Append('\n');
            }
            else
            {
                var scalar = ScalarOf(json);
                if (setting.Kind == SettingKind.Number && scalar.All(c => char.IsDigit(c) || c == '-'))
                    scalar += ".0";                                      // 1.0 stays a float to the reader's eye
                sb.Append(' ', indent).Append(name).Append(": ").Append(scalar).Append('\n');
            }
        }
        return sb.Length == 0 ? new string(' ', indent) + "{}\n" : sb.ToString();
    }

    static string ScalarOf(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => YamlText.DoubleQuotedUnlessPlain(v.GetValue<string>()),
        _ => node.ToJsonString(),
    };

    /// <summary>Reads a decoding mapping (null or empty gives an object with nothing set).</summary>
    /// <param name="node">The mapping node.</param>
    /// <param name="firstLine">1-based file line of the YAML text's first line.</param>
    /// <exception cref="NotebookFormatException">Unknown name, or a value of the wrong type.</exception>
    public static DecodingSettings Read(YamlNode? node, int firstLine)
    {
        var settings = new DecodingSettings();
        if (node is null or YamlScalarNode { Value: null or "" }) return settings;
        if (node is not YamlMappingNode map)
            throw new NotebookFormatException(YamlText.LineOf(node, firstLine), "decoding settings must be a mapping of 'name: value' lines, e.g. max_new_tokens: 32");
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var key = YamlText.String(keyNode, firstLine, "a decoding setting name");
            int line = YamlText.LineOf(keyNode, firstLine);
            var match = DecodingSetting.Find(key);
            if (match is null)
                throw new NotebookFormatException(line, $"unknown decoding setting '{key}' (expected one of: {string.Join(", ", Names)})");
            object? value;
            try
            {
                var json = ToJson(valueNode, match.ValueType);
                value = json is null ? null : json.Deserialize(match.ValueType);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NotSupportedException)
            {
                throw new NotebookFormatException(line, $"decoding setting {key} has a value of the wrong type (expected {Describe(match.ValueType)})");
            }
            settings = match.WithValue(settings, value);
        }
        return settings;
    }

    static JsonNode? ToJson(YamlNode node, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        switch (node)
        {
            case YamlScalarNode s:
                var text = s.Value ?? "";
                if (s.Style == YamlDotNet.Core.ScalarStyle.Plain && text is "" or "~" or "null") return null;
                if (target == typeof(string) || s.Style != YamlDotNet.Core.ScalarStyle.Plain) return JsonValue.Create(text);
                if (target == typeof(bool)) return JsonValue.Create(text.ToLowerInvariant() switch { "true" => true, "false" => false, _ => throw new FormatException() });
                if (target.IsEnum) return JsonValue.Create(text);
                return JsonNode.Parse(text);
            case YamlSequenceNode seq:
                var element = target.IsGenericType ? target.GetGenericArguments()[0] : target.IsArray ? target.GetElementType()! : typeof(string);
                return new JsonArray(seq.Children.Select(c => ToJson(c, element)).ToArray());
            default:
                throw new FormatException();
        }
    }

    static string Describe(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(int) || t == typeof(long) || t == typeof(ulong) || t == typeof(uint)) return "an integer";
        if (t == typeof(double) || t == typeof(float)) return "a number";
        if (t == typeof(bool)) return "true or false";
        if (t == typeof(string)) return "a text";
        if (t.IsGenericType || t.IsArray) return "a list, e.g. [\"\\n\"]";
        return t.Name;
    }

    /// <summary>True when both have the same set values (lists compared element by element).</summary>
    public static bool SameSettings(DecodingSettings? a, DecodingSettings? b) =>
        (a is null) == (b is null) && (a is null || Write(a) == Write(b!));
}
