using GptPlayground.Onnx;
using GptPlayground.Tokenizers;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace GptPlayground.Inference.Models;

/// <summary>
/// Model cards without ONNX Runtime: the graph's signature and initializers are read straight from
/// the .onnx file (a streaming protobuf walk), so listing a folder of large models is quick.
/// </summary>
public static class ModelInspector
{
    /// <summary>Reads the card of a model folder; the same checks as loading except running the graph.</summary>
    /// <exception cref="ModelException">The folder, a config, the file or the layout is unusable.</exception>
    public static ModelCard Inspect(string path)
    {
        var folder = ModelFolder.Open(path);
        var files = ModelFiles.Read(folder.Path);
        return Inspect(folder, files, LoadTokenizer(files));
    }

    /// <summary><see cref="Inspect(string)"/> of a folder whose files and tokenizer were already read.</summary>
    /// <exception cref="ModelException">A config, the file or the layout is unusable.</exception>
    internal static ModelCard Inspect(ModelFolder folder, ModelFiles files, (ITokenizer? Tokenizer, string? Error) tokenizer)
    {
        var config = ModelConfig.From(files);
        var info = ReadInfo(folder);
        var layout = DecoderLayout.Discover(Signatures(info.Inputs), Signatures(info.Outputs), config, folder.Name);
        return Card(folder, layout, info, tokenizer.Tokenizer, tokenizer.Error);
    }

    internal static OnnxModelInfo ReadInfo(ModelFolder folder)
    {
        try
        {
            return OnnxModelInfo.Read(folder.OnnxFile);
        }
        catch (OnnxFormatException e)
        {
            throw new ModelException($"{folder.Name}: {Path.GetFileName(folder.OnnxFile)} is not a readable ONNX model: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new ModelException($"{folder.Name}: cannot read {Path.GetFileName(folder.OnnxFile)}: {e.Message}", e);
        }
    }

    /// <summary>The folder's tokenizer, or why it has none.</summary>
    public static (ITokenizer? Tokenizer, string? Error) LoadTokenizer(ModelFiles files)
    {
        try { return (TokenizerLoader.Load(files), null); }
        catch (TokenizerException e) { return (null, e.Message); }
    }

    static IReadOnlyList<TensorSignature> Signatures(IReadOnlyList<OnnxValueInfo> values) =>
        values.Select(v => new TensorSignature(v.Name, (TensorElementType)(int)v.Type,
            v.Shape?.Select(d => d.Value ?? -1).ToArray() ?? [])).ToList();

    /// <summary>The card of a model from what was read of it.</summary>
    internal static ModelCard Card(ModelFolder folder, DecoderLayout layout, OnnxModelInfo? info, ITokenizer? tokenizer, string? tokenizerError)
    {
        var weights = info is null || info.InitializersByType.Count == 0 ? "?"
            : string.Join("+", info.InitializersByType.OrderByDescending(kv => kv.Value.Elements).Take(2).Select(kv => Short(kv.Key)));
        return new ModelCard
        {
            Name = folder.Name, Path = folder.Path, File = Path.GetRelativePath(folder.Path, folder.OnnxFile),
            Parameters = info?.ParameterCount,
            Shape = layout.Shape,
            Layout = layout.Description,
            Dtype = $"weights {weights}, kv {DecoderLayout.Short(layout.KvType)}, logits {DecoderLayout.Short(layout.LogitsType)}",
            Tokenizer = tokenizer is null ? $"none: {tokenizerError}" : $"{tokenizer.VocabSize} tokens",
        };
    }

    static string Short(OnnxDataType t) => t switch
    {
        OnnxDataType.Float => "fp32", OnnxDataType.Float16 => "fp16", OnnxDataType.BFloat16 => "bf16",
        _ => t.ToString().ToLowerInvariant(),
    };
}
