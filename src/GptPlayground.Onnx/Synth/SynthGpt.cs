using System.Text.Json;

namespace GptPlayground.Onnx;

/// <summary>What <see cref="SynthGpt.Write"/> produced.</summary>
/// <param name="Directory">The model folder.</param>
/// <param name="ModelPath">The ONNX graph: <c>model.onnx</c>.</param>
/// <param name="ExternalDataPath"><c>model.onnx.data</c> holding the weights, or null when they are inline.</param>
/// <param name="ConfigPath">The Hugging Face style <c>config.json</c>.</param>
/// <param name="TokenizerPath"><c>tokenizer.json</c>, or null for vocabularies under 257.</param>
/// <param name="ParameterCount">Weights in the model (<see cref="SynthGptOptions.ParameterCount"/>).</param>
/// <param name="Files">Every file written, model first.</param>
public sealed record SynthGptResult(string Directory, string ModelPath, string? ExternalDataPath, string ConfigPath,
    string? TokenizerPath, long ParameterCount, IReadOnlyList<string> Files);

/// <summary>
/// Writes random-weight GPT-2-style decoders that ONNX Runtime runs like exported ones: for tests and
/// benchmarks of the engine without downloading a model. A folder gets <c>model.onnx</c> (+
/// <c>model.onnx.data</c>), <c>config.json</c>, <c>generation_config.json</c> and, for vocabularies of 257
/// or more, a byte-level BPE <c>tokenizer.json</c> + <c>tokenizer_config.json</c>. The same options
/// give byte-identical files.
/// </summary>
/// <example>
/// <code>
/// var gpt2Small = new SynthGptOptions { Layers = 12, Hidden = 768, Heads = 12, Vocab = 50257 };
/// var result = SynthGpt.Write(gpt2Small, "models/synth-gpt2");   // ~124M parameters, ~500 MB
/// </code>
/// </example>
public static class SynthGpt
{
    /// <summary>File name of the graph in the output folder.</summary>
    public const string ModelFileName = "model.onnx";

    /// <summary>Writes the model folder (created if missing; files of an earlier run there are replaced).</summary>
    /// <param name="options">Shape and export settings.</param>
    /// <param name="outDir">Output folder.</param>
    /// <exception cref="ArgumentException">Invalid options (see <see cref="SynthGptOptions.Validate"/>).</exception>
    /// <exception cref="IOException">The folder cannot be written.</exception>
    public static SynthGptResult Write(SynthGptOptions options, string outDir)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Directory.CreateDirectory(outDir);

        string modelPath = Path.Combine(outDir, ModelFileName);
        string? dataPath = GptGraph.Build(options).Save(modelPath, options.UsesExternalData);
        string configPath = WriteJson(outDir, "config.json", Config(options));
        string generationPath = WriteJson(outDir, "generation_config.json", new Dictionary<string, object>
        {
            ["_from_model_config"] = true,
            ["bos_token_id"] = EndOfTextId(options),
            ["eos_token_id"] = EndOfTextId(options),
        });

        string? tokenizerPath = null;
        string tokenizerConfigPath = Path.Combine(outDir, "tokenizer_config.json");
        if (options.Vocab >= ByteLevelTokenizer.MinVocab)
            tokenizerPath = ByteLevelTokenizer.Write(outDir, options.Vocab, options.Context);
        else
        {   // a smaller vocabulary has no tokenizer: remove one left by an earlier run
            File.Delete(Path.Combine(outDir, "tokenizer.json"));
            File.Delete(tokenizerConfigPath);
        }

        string genAiPath = Path.Combine(outDir, GenAiConfigFileName);
        if (options.GenAiConfig) WriteJson(outDir, GenAiConfigFileName, GenAi(options));
        else File.Delete(genAiPath);   // an earlier run's would describe other weights

        string?[] files = [modelPath, dataPath, configPath, generationPath, tokenizerPath, tokenizerPath is null ? null : tokenizerConfigPath,
                           options.GenAiConfig ? genAiPath : null];
        return new SynthGptResult(outDir, modelPath, dataPath, configPath, tokenizerPath, options.ParameterCount, files.OfType<string>().ToList());
    }

    /// <summary>
    /// The config.json key under which a synthetic model records how it was made (seed, layout...). Its presence marks
    /// the folder as random weights, which the app never picks as the default model over a trained one.
    /// </summary>
    public const string MarkerKey = "gptplayground_synth";

    /// <summary>ONNX Runtime GenAI's model description, written when <see cref="SynthGptOptions.GenAiConfig"/> is set.</summary>
    public const string GenAiConfigFileName = "genai_config.json";

    /// <summary>The id of &lt;|endoftext|&gt; (bos = eos): the last id, as in GPT-2 (50256).</summary>
    public static int EndOfTextId(SynthGptOptions options) => options.Vocab - 1;

    /// <summary>config.json with GPT-2's names and the Llama-style aliases other loaders look for.</summary>
    private static Dictionary<string, object?> Config(SynthGptOptions o) => new()
    {
        ["architectures"] = new[] { "GPT2LMHeadModel" },
        ["model_type"] = "gpt2",
        ["activation_function"] = "gelu_new",
        ["n_layer"] = o.Layers,
        ["n_head"] = o.Heads,
        ["n_embd"] = o.Hidden,
        ["n_positions"] = o.Context,
        ["n_ctx"] = o.Context,
        ["n_inner"] = null,
        ["vocab_size"] = o.Vocab,
        ["num_hidden_layers"] = o.Layers,
        ["num_attention_heads"] = o.Heads,
        ["num_key_value_heads"] = o.EffectiveKvHeads,
        ["hidden_size"] = o.Hidden,
        ["head_dim"] = o.HeadDim,
        ["intermediate_size"] = 4 * o.Hidden,
        ["max_position_embeddings"] = o.Context,
        ["bos_token_id"] = EndOfTextId(o),
        ["eos_token_id"] = EndOfTextId(o),
        ["layer_norm_epsilon"] = 1e-5,
        ["initializer_range"] = SynthGptOptions.InitStd,
        ["tie_word_embeddings"] = o.TiedEmbeddings,
        ["torch_dtype"] = o.Fp16 ? "float16" : "float32",
        ["use_cache"] = true,
        [MarkerKey] = new Dictionary<string, object>
        {
            ["seed"] = o.Seed,
            ["layout"] = o.Layout.ToString(),
            ["int32_inputs"] = o.Int32Inputs,
            ["position_ids"] = o.PositionIds,
            ["parameter_count"] = o.ParameterCount,
        },
    };

    /// <summary>
    /// genai_config.json as ONNX Runtime GenAI's model builder writes it for a decoder-only model ("llama" is its
    /// generic decoder-only type: it feeds input_ids, attention_mask, position_ids when present, and separate KV pairs).
    /// </summary>
    private static Dictionary<string, object?> GenAi(SynthGptOptions o) => new()
    {
        ["model"] = new Dictionary<string, object?>
        {
            ["bos_token_id"] = EndOfTextId(o),
            ["eos_token_id"] = EndOfTextId(o),
            ["pad_token_id"] = EndOfTextId(o),
            ["context_length"] = o.Context,
            ["vocab_size"] = o.Vocab,
            ["type"] = "llama",
            ["decoder"] = new Dictionary<string, object?>
            {
                ["filename"] = ModelFileName,
                ["session_options"] = new Dictionary<string, object?> { ["log_id"] = "onnxruntime-genai", ["provider_options"] = Array.Empty<object>() },
                ["head_size"] = o.HeadDim,
                ["hidden_size"] = o.Hidden,
                ["num_attention_heads"] = o.Heads,
                ["num_key_value_heads"] = o.EffectiveKvHeads,
                ["num_hidden_layers"] = o.Layers,
                ["inputs"] = GenAiInputs(o),
                ["outputs"] = new Dictionary<string, object?>
                {
                    ["logits"] = "logits",
                    ["present_key_names"] = "present.%d.key",
                    ["present_value_names"] = "present.%d.value",
                },
            },
        },
        ["search"] = new Dictionary<string, object?> { ["do_sample"] = false, ["max_length"] = o.Context, ["num_beams"] = 1 },
    };

    private static Dictionary<string, object?> GenAiInputs(SynthGptOptions o)
    {
        var inputs = new Dictionary<string, object?>
        {
            ["input_ids"] = "input_ids",
            ["attention_mask"] = "attention_mask",
            ["past_key_names"] = "past_key_values.%d.key",
            ["past_value_names"] = "past_key_values.%d.value",
        };
        if (o.PositionIds) inputs["position_ids"] = "position_ids";
        return inputs;
    }

    private static string WriteJson(string dir, string name, object value)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, JsonSerializer.Serialize(value, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return path;
    }
}
