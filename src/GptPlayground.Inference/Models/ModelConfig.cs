using System.Text.Json;
using GptPlayground.Inference.Decoding;
using GptPlayground.Tokenizers;

namespace GptPlayground.Inference.Models;

/// <summary>
/// What a model folder's JSON configs say about the architecture, merged from Hugging Face
/// <c>config.json</c> (GPT-2 names <c>n_layer/n_head/n_embd/n_positions</c> or Llama names
/// <c>num_hidden_layers/...</c>), onnxruntime-genai's <c>genai_config.json</c> and
/// <c>generation_config.json</c>. Every field is optional: the graph itself is the ground truth for
/// the I/O layout (see <see cref="DecoderLayout"/>); these fill in what a graph does not state.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>Hugging Face <c>model_type</c> or genai <c>model.type</c> (e.g. "gpt2", "llama").</summary>
    public string? ModelType { get; init; }
    public int? Layers { get; init; }
    public int? Heads { get; init; }
    public int? KvHeads { get; init; }
    public int? Hidden { get; init; }
    public int? HeadSize { get; init; }
    /// <summary>Maximum sequence length (prompt + generated tokens) the model was trained for.</summary>
    public int? ContextLength { get; init; }
    public int? VocabSize { get; init; }
    public int? BosTokenId { get; init; }
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];
    public int? PadTokenId { get; init; }
    /// <summary>The ONNX file named by genai_config.json (<c>model.decoder.filename</c>), if any.</summary>
    public string? GenaiFileName { get; init; }
    /// <summary>The raw generation_config.json object (decoding defaults), if the folder has one.</summary>
    public JsonElement? GenerationConfig { get; init; }

    /// <summary>The decoding settings generation_config.json sets (the model's defaults); all unset without the file.</summary>
    public DecodingSettings GenerationDefaults =>
        GenerationConfig is { ValueKind: JsonValueKind.Object } g ? DecodingSettings.FromGenerationConfig(g) : new DecodingSettings();

    /// <summary>Reads and merges the configs found in <paramref name="folder"/>.</summary>
    /// <exception cref="ModelException">A config file exists but is not valid JSON.</exception>
    public static ModelConfig Read(string folder) => From(ModelFiles.Read(folder));

    /// <summary>Merges the configs of a folder's files, already read.</summary>
    /// <exception cref="ModelException">A config file exists but is not valid JSON.</exception>
    public static ModelConfig From(ModelFiles files)
    {
        var config = ReadJson(files, "config.json");
        var genai = ReadJson(files, "genai_config.json");
        var generation = ReadJson(files, "generation_config.json");
        var model = genai is { } g && g.TryGetProperty("model", out var m) ? m : (JsonElement?)null;
        var decoder = model is { } md && md.TryGetProperty("decoder", out var d) ? d : (JsonElement?)null;

        int? Pick(params (JsonElement? obj, string name)[] candidates)
        {
            foreach (var (obj, name) in candidates)
                if (obj is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i))
                    return i;
            return null;
        }

        var eos = IdList(generation, "eos_token_id") ?? IdList(config, "eos_token_id") ?? IdList(model, "eos_token_id") ?? [];
        return new ModelConfig
        {
            ModelType = Str(config, "model_type") ?? Str(model, "type"),
            Layers = Pick((config, "num_hidden_layers"), (config, "n_layer"), (decoder, "num_hidden_layers")),
            Heads = Pick((config, "num_attention_heads"), (config, "n_head"), (decoder, "num_attention_heads")),
            KvHeads = Pick((config, "num_key_value_heads"), (decoder, "num_key_value_heads")),
            Hidden = Pick((config, "hidden_size"), (config, "n_embd"), (decoder, "hidden_size")),
            HeadSize = Pick((config, "head_dim"), (decoder, "head_size")),
            ContextLength = Pick((config, "max_position_embeddings"), (config, "n_positions"), (config, "n_ctx"), (model, "context_length")),
            VocabSize = Pick((config, "vocab_size"), (model, "vocab_size")),
            BosTokenId = Pick((generation, "bos_token_id"), (config, "bos_token_id"), (model, "bos_token_id")),
            EosTokenIds = eos,
            PadTokenId = Pick((generation, "pad_token_id"), (config, "pad_token_id"), (model, "pad_token_id")),
            GenaiFileName = Str(decoder, "filename"),
            GenerationConfig = generation,
        };
    }

    static JsonElement? ReadJson(ModelFiles files, string file)
    {
        var path = files.PathOf(file);
        try
        {
            if (files.LenientJson(file) is not { } root) return null;
            if (root.ValueKind != JsonValueKind.Object)
                throw new ModelException($"{path}: expected a JSON object at the top level, found {root.ValueKind}");
            return root;
        }
        catch (JsonException e)
        {
            throw new ModelException($"{path}: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message.Split(" LineNumber")[0]}", e);
        }
    }

    static string? Str(JsonElement? obj, string name) =>
        obj is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    static IReadOnlyList<int>? IdList(JsonElement? obj, string name)
    {
        if (obj is not { ValueKind: JsonValueKind.Object } o || !o.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var one)) return [one];
        if (v.ValueKind == JsonValueKind.Array)
            return v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Number).Select(e => e.GetInt32()).ToArray();
        return null;
    }
}
