using System.Text.Json;
using GptPlayground.Inference.Models;
using GptPlayground.Onnx;

namespace GptPlayground.Services;

/// <summary>
/// Which model runs when the user names none, for every front end (CLI verbs, notebook editor, share view): a
/// synthetic model (random weights from <c>synth-model</c>, marked by <see cref="SynthGpt.MarkerKey"/> in its
/// config.json) never becomes the default while a trained model is there.
/// </summary>
public static class ModelChoice
{
    /// <summary>
    /// <paramref name="preferred"/> when it is a usable model of <paramref name="catalog"/>; else the first usable
    /// trained model other than the embedded one (a user's own model wins); else the embedded
    /// <see cref="ModelCatalog.EmbeddedModelName"/>; else the first usable synthetic model; null when no folder is usable.
    /// </summary>
    public static string? Default(ModelCatalog catalog, string? preferred = null)
    {
        var usable = catalog.List().Where(e => e.IsOk).ToList();
        if (preferred is not null && usable.Any(e => e.Name == preferred)) return preferred;
        var trained = usable.Where(e => !IsSynthetic(e.Path)).Select(e => e.Name).ToList();
        return trained.FirstOrDefault(n => n != ModelCatalog.EmbeddedModelName) ?? trained.FirstOrDefault() ?? usable.FirstOrDefault()?.Name;
    }

    /// <summary>Whether the model folder at <paramref name="folder"/> holds random weights written by <c>synth-model</c>.</summary>
    public static bool IsSynthetic(string folder)
    {
        var config = Path.Combine(folder, "config.json");
        if (!File.Exists(config)) return false;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(config));
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(SynthGpt.MarkerKey, out _);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return false;   // the catalog reports an unreadable config where it matters; here it only means "not marked"
        }
    }
}
