using System.Collections.Concurrent;
using GptPlayground.Inference.Models;
using GptPlayground.Onnx;

namespace GptPlayground.Services;

/// <summary>
/// Whether a model's export stores a tied weight twice (<see cref="OnnxModelInfo.Copies"/>: GPT-2's embedding and a
/// transposed copy for the output layer), for the note beside the card's parameter count, which counts it once.
/// Read once per model file and modification time (the read walks the graph's headers and samples a few values).
/// </summary>
public static class TiedWeights
{
    static readonly ConcurrentDictionary<(string File, DateTime Modified), string?> notes = new();

    /// <summary>"tied: g.wte.weight stored twice (once transposed), counted once", or null when nothing is stored twice
    /// (or the card is not a local ONNX file).</summary>
    public static string? Note(ModelCard card)
    {
        var file = Path.Combine(card.Path, card.File);
        if (!file.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || !File.Exists(file)) return null;
        return notes.GetOrAdd((file, File.GetLastWriteTimeUtc(file)), key =>
        {
            try { return Describe(OnnxModelInfo.Read(key.File).Copies); }
            catch (Exception e) when (e is OnnxFormatException or IOException) { return null; }   // the card says what is wrong with the file
        });
    }

    /// <summary>The note for <paramref name="copies"/>; null when there are none.</summary>
    public static string? Describe(IReadOnlyList<OnnxCopiedInitializer> copies) => copies.Count == 0 ? null
        : "tied: " + string.Join(", ", copies.Select(c => $"{c.CopyOf} stored twice{(c.Transposed ? " (once transposed)" : "")}")) + ", counted once";
}
