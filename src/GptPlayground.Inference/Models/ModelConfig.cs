using System.Text.Json;
using GptPlayground.Decoding;
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
    /// <summary>The architecture numbers the configs state (any may be missing); the graph's view wins over them (see <see cref="DecoderLayout.Shape"/>).</summary>
    public ModelShape Shape { get; init; } = new();
    /// <summary>Where each <see cref="Shape"/> value was read, by <see cref="ShapeField.Name"/>: "config.json n_head",
    /// "genai_config.json model.decoder.head_size". Messages about a value name its source with this.</summary>
    public IReadOnlyDictionary<string, string> ShapeSources { get; init; } = new Dictionary<string, string>();
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
        var config = Source.Of(files, "config.json");
        var genai = Source.Of(files, "genai_config.json");
        var generation = Source.Of(files, "generation_config.json");
        var model = genai.Child("model");
        var decoder = model.Child("decoder");

        // A value that is there but unusable is an error of this model (its card says so), never of the app.
        var sources = new Dictionary<string, string>();
        int? Pick(int min, int max, params (Source Src, string Name)[] candidates) => PickFor(null, min, max, candidates);
        int? PickFor(string? field, int min, int max, params (Source Src, string Name)[] candidates)
        {
            foreach (var (src, name) in candidates)
                if (src.Number(name) is { } v)
                {
                    if (!v.TryGetInt32(out var i) || i < min || i > max)
                        throw new ModelException($"{src.Path}: {src.Label(name)} (={v.GetRawText()}) must be a whole number from {min:N0} to {max:N0}");
                    if (field is not null) sources[field] = $"{Path.GetFileName(src.Path)} {src.Label(name)}";
                    return i;
                }
            return null;
        }

        const int MaxCount = 100_000, MaxWidth = 1_000_000, MaxContext = 100_000_000;
        var vocab = PickFor(nameof(ModelShape.VocabSize), 1, MaxContext, (config, "vocab_size"), (model, "vocab_size"));
        int maxId = (vocab ?? int.MaxValue) - 1;
        var eos = IdList(generation, "eos_token_id", maxId) ?? IdList(config, "eos_token_id", maxId) ?? IdList(model, "eos_token_id", maxId) ?? [];
        var result = new ModelConfig
        {
            ModelType = config.Str("model_type") ?? model.Str("type"),
            Shape = new ModelShape
            {
                Layers = PickFor(nameof(ModelShape.Layers), 1, MaxCount, (config, "num_hidden_layers"), (config, "n_layer"), (decoder, "num_hidden_layers")),
                Heads = PickFor(nameof(ModelShape.Heads), 1, MaxCount, (config, "num_attention_heads"), (config, "n_head"), (decoder, "num_attention_heads")),
                KvHeads = PickFor(nameof(ModelShape.KvHeads), 1, MaxCount, (config, "num_key_value_heads"), (decoder, "num_key_value_heads")),
                Hidden = PickFor(nameof(ModelShape.Hidden), 1, MaxWidth, (config, "hidden_size"), (config, "n_embd"), (decoder, "hidden_size")),
                HeadSize = PickFor(nameof(ModelShape.HeadSize), 1, MaxWidth, (config, "head_dim"), (decoder, "head_size")),
                ContextLength = PickFor(nameof(ModelShape.ContextLength), 1, MaxContext, (config, "max_position_embeddings"), (config, "n_positions"), (config, "n_ctx"), (model, "context_length")),
                VocabSize = vocab,
            },
            ShapeSources = sources,
            BosTokenId = Pick(0, maxId, (generation, "bos_token_id"), (config, "bos_token_id"), (model, "bos_token_id")),
            EosTokenIds = eos,
            PadTokenId = Pick(0, maxId, (generation, "pad_token_id"), (config, "pad_token_id"), (model, "pad_token_id")),
            GenaiFileName = decoder.Str("filename"),
            GenerationConfig = generation.Root,
        };
        if (result.Shape is { KvHeads: int kv, Heads: int heads } && kv > heads)
            throw new ModelException($"{config.Path}: num_key_value_heads (={kv}) must not exceed num_attention_heads (={heads})");
        return result;
    }

    /// <summary>One config object (a file, or an object inside one) with the file's path for messages.</summary>
    readonly record struct Source(JsonElement? Root, string Path, string Prefix)
    {
        public static Source Of(ModelFiles files, string file) => new(ReadJson(files, file), files.PathOf(file), "");

        public Source Child(string name) =>
            new(Root is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var c) && c.ValueKind == JsonValueKind.Object ? c : null, Path, Prefix + name + ".");

        public string Label(string name) => Prefix + name;

        public JsonElement? Number(string name) =>
            Root is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v : null;

        public string? Str(string name) =>
            Root is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
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

    static IReadOnlyList<int>? IdList(Source src, string name, int maxId)
    {
        if (src.Root is not { ValueKind: JsonValueKind.Object } o || !o.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number) return [Id(v)];
        if (v.ValueKind == JsonValueKind.Array)
            return v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Number).Select(Id).ToArray();
        return null;

        int Id(JsonElement e) => e.TryGetInt32(out var id) && id >= 0 && id <= maxId ? id
            : throw new ModelException($"{src.Path}: {src.Label(name)} holds {e.GetRawText()}: token ids are whole numbers from 0 to {maxId:N0}");
    }
}
