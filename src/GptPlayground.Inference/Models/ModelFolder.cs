namespace GptPlayground.Inference.Models;

/// <summary>
/// A folder under <c>models/</c>: which ONNX file is the decoder and which configs sit beside it.
/// Nothing is loaded here; see <see cref="LanguageModel.Load(string, Runtime.ExecutionProvider)"/>.
/// </summary>
/// <param name="Name">The folder name, used as the model's name in the UI and CLI.</param>
/// <param name="Path">The folder's full path.</param>
/// <param name="OnnxFile">The decoder graph's full path.</param>
public sealed record ModelFolder(string Name, string Path, string OnnxFile)
{
    /// <summary>Decoder file names tried in order when genai_config.json does not name one.</summary>
    public static readonly IReadOnlyList<string> DecoderFileNames =
        ["model.onnx", "decoder_model_merged.onnx", "decoder_model.onnx", "decoder_with_past_model.onnx"];

    /// <summary>Resolves the decoder file of a model folder.</summary>
    /// <exception cref="ModelException">The folder does not exist or holds no decoder graph.</exception>
    public static ModelFolder Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var name = System.IO.Path.GetFileName(full.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        if (File.Exists(full) && full.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            return new ModelFolder(System.IO.Path.GetFileNameWithoutExtension(full), System.IO.Path.GetDirectoryName(full)!, full);
        if (!Directory.Exists(full))
            throw new ModelException($"{path}: no such model folder");

        var named = ModelConfig.Read(full).GenaiFileName;
        if (named is not null)
        {
            var file = System.IO.Path.Combine(full, named);
            if (!File.Exists(file))
                throw new ModelException($"{path}: genai_config.json names '{named}' as the decoder, but that file is missing");
            return new ModelFolder(name, full, file);
        }
        foreach (var candidate in DecoderFileNames)
        {
            var file = System.IO.Path.Combine(full, candidate);
            if (File.Exists(file)) return new ModelFolder(name, full, file);
        }
        var others = Directory.GetFiles(full, "*.onnx");
        if (others.Length == 1) return new ModelFolder(name, full, others[0]);
        throw new ModelException(others.Length == 0
            ? $"{path}: no {string.Join(", ", DecoderFileNames)} found (and no other .onnx file)"
            : $"{path}: several .onnx files ({string.Join(", ", others.Select(System.IO.Path.GetFileName))}) and none is named {string.Join(" or ", DecoderFileNames)}; name the decoder in genai_config.json (model.decoder.filename)");
    }
}
