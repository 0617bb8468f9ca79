namespace GptPlayground.Onnx;

/// <summary>The graph interface a synthetic decoder is exported with: which exporter's names and KV-cache shapes it copies.</summary>
public enum SynthLayout
{
    /// <summary>
    /// Hugging Face Optimum <c>decoder_model.onnx</c>: inputs <c>input_ids [batch, seq]</c>,
    /// <c>attention_mask [batch, past+seq]</c>, <c>position_ids [batch, seq]</c>,
    /// <c>past_key_values.{i}.key/.value [batch, kv_heads, past, head_dim]</c>; outputs
    /// <c>logits [batch, seq, vocab]</c>, <c>present.{i}.key/.value [batch, kv_heads, past+seq, head_dim]</c>.
    /// </summary>
    Optimum,

    /// <summary>
    /// Optimum <c>decoder_model_merged.onnx</c>: <see cref="Optimum"/> plus a bool <c>use_cache_branch [1]</c>.
    /// When it is false an <c>If</c> node drops the past (fed with length 0 or 1) and the attention mask's
    /// leading columns, and the step runs as if there were no past.
    /// </summary>
    OptimumMerged,

    /// <summary>
    /// The legacy onnxruntime.transformers GPT-2 converter: inputs <c>input_ids</c>, <c>position_ids</c>,
    /// <c>attention_mask</c>, <c>past_{i} [2, batch, kv_heads, past, head_dim]</c> (key and value stacked);
    /// outputs <c>logits</c>, <c>present_{i} [2, batch, kv_heads, past+seq, head_dim]</c>.
    /// </summary>
    LegacyStacked,
}

/// <summary>
/// Shape and export settings of a random-weight GPT-2-style decoder written by <see cref="SynthGpt.Write"/>.
/// Defaults make a tiny, fast model; GPT-2 small is
/// <c>new SynthGptOptions { Layers = 12, Hidden = 768, Heads = 12, Vocab = 50257 }</c>.
/// </summary>
public sealed record SynthGptOptions
{
    /// <summary>Transformer blocks (n_layer). Default 2.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Model width (n_embd); must be a multiple of <see cref="Heads"/>. Default 64.</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>Attention (query) heads (n_head); head_dim = Hidden / Heads. Default 4.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>
    /// Key/value heads; null (default) = <see cref="Heads"/>. Fewer means grouped-query attention:
    /// each K/V head serves Heads / KvHeads consecutive query heads, and the KV cache shrinks by that factor.
    /// </summary>
    public int? KvHeads { get; init; }

    /// <summary>
    /// Vocabulary size; the last id is <c>&lt;|endoftext|&gt;</c> (bos = eos, as in GPT-2).
    /// From 257 on a byte-level BPE tokenizer.json comes with the model (256 byte tokens, merges, the
    /// special token); smaller vocabularies get none. Default 512.
    /// </summary>
    public int Vocab { get; init; } = 512;

    /// <summary>Maximum positions (n_positions): rows of the position embedding; positions beyond are clipped. Default 1024.</summary>
    public int Context { get; init; } = 1024;

    /// <summary>
    /// Float16 weights, KV cache (past/present) and logits. The graph casts to float32 inside for the math,
    /// since ONNX Runtime's CPU kernels for LayerNorm/MatMul/Softmax are float32. Default false.
    /// </summary>
    public bool Fp16 { get; init; }

    /// <summary><c>input_ids</c>, <c>attention_mask</c> and <c>position_ids</c> are int32 instead of int64. Default false.</summary>
    public bool Int32Inputs { get; init; }

    /// <summary>
    /// The graph takes a <c>position_ids</c> input (default true). When false, positions are computed
    /// inside from the attention mask (cumsum(mask) - 1, clipped at 0), as GQA / model-builder graphs do.
    /// </summary>
    public bool PositionIds { get; init; } = true;

    /// <summary>
    /// The LM head reuses the token embedding (GPT-2's weight tying; the parameter count then matches
    /// GPT-2's 124M for the small shape). Default true.
    /// </summary>
    public bool TiedEmbeddings { get; init; } = true;

    /// <summary>Input/output names and KV-cache shapes. Default <see cref="SynthLayout.Optimum"/>.</summary>
    public SynthLayout Layout { get; init; } = SynthLayout.Optimum;

    /// <summary>Weight seed: the same options and seed give byte-identical files. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// Weights in <c>model.onnx.data</c> beside <c>model.onnx</c>: true, false, or null (default) for
    /// "when the weights exceed <see cref="AutoExternalBytes"/>". Above 2 GiB they must be external.
    /// </summary>
    public bool? ExternalData { get; init; }

    /// <summary>
    /// Also write <c>genai_config.json</c>, so that ONNX Runtime GenAI can load the folder (the peer that
    /// <c>bench --compare-genai</c> measures against). Needs the <see cref="SynthLayout.Optimum"/> layout. Default false.
    /// </summary>
    public bool GenAiConfig { get; init; }

    /// <summary>Weight size above which <see cref="ExternalData"/> = null chooses external data: 100 MiB.</summary>
    public const long AutoExternalBytes = 100L << 20;

    /// <summary>
    /// Standard deviation of the random weights (GPT-2's initializer_range), as GPT-2 initializes them:
    /// the residual projections (attn.c_proj, mlp.c_proj) get InitStd / sqrt(2 Layers), biases 0,
    /// LayerNorm gains 1 - except the final LayerNorm's gain, drawn from N(0, 1) so that a tied LM head
    /// does not just predict the input token again (greedy decoding would repeat it forever).
    /// </summary>
    public const float InitStd = 0.02f;

    /// <summary>Key/value heads in effect (<see cref="KvHeads"/> or <see cref="Heads"/>).</summary>
    public int EffectiveKvHeads => KvHeads ?? Heads;

    /// <summary>Width of one attention head: Hidden / Heads.</summary>
    public int HeadDim => Hidden / Heads;

    /// <summary>
    /// Weights in the model: embeddings (vocab x hidden, context x hidden), per block two LayerNorms,
    /// the fused QKV projection (hidden x (heads + 2 kv_heads) head_dim), the output projection and the
    /// 4x MLP, all with biases; the final LayerNorm; and an untied LM head (vocab x hidden) if asked.
    /// GPT-2 small: 124,439,808.
    /// </summary>
    public long ParameterCount
    {
        get
        {
            long h = Hidden, v = Vocab, qkv = (long)(Heads + 2 * EffectiveKvHeads) * HeadDim;
            long block = 2 * h                 // ln_1 gain, bias
                + h * qkv + qkv                // attn.c_attn: fused q, k, v
                + h * h + h                    // attn.c_proj
                + 2 * h                        // ln_2
                + h * 4 * h + 4 * h            // mlp.c_fc
                + 4 * h * h + h;               // mlp.c_proj
            return v * h + (long)Context * h   // wte, wpe
                + Layers * block
                + 2 * h                        // ln_f
                + (TiedEmbeddings ? 0 : v * h);// lm_head
        }
    }

    /// <summary>Bytes of weight data: <see cref="ParameterCount"/> x 4 (float32) or x 2 (float16).</summary>
    public long WeightBytes => ParameterCount * (Fp16 ? 2 : 4);

    /// <summary>Whether the weights go to <c>model.onnx.data</c> with these options.</summary>
    public bool UsesExternalData => ExternalData ?? WeightBytes > AutoExternalBytes;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it, its value and a fix,
    /// and <see cref="ArgumentException.ParamName"/> is the option's name.</exception>
    public void Validate()
    {
        Require(Layers >= 1, nameof(Layers), $"Layers (={Layers}) must be >= 1; GPT-2 small has 12");
        Require(Hidden >= 1, nameof(Hidden), $"Hidden (={Hidden}) must be >= 1; GPT-2 small has 768");
        Require(Heads >= 1, nameof(Heads), $"Heads (={Heads}) must be >= 1; GPT-2 small has 12");
        Require(Hidden % Heads == 0, nameof(Heads),
            $"Heads (={Heads}) must divide Hidden (={Hidden}) so every head has the same width; try {NearestDivisor(Hidden, Heads)}");
        if (KvHeads is int kv)
        {
            Require(kv >= 1 && kv <= Heads, nameof(KvHeads), $"KvHeads (={kv}) must be between 1 and Heads (={Heads}); leave it null for plain multi-head attention");
            Require(Heads % kv == 0, nameof(KvHeads),
                $"KvHeads (={kv}) must divide Heads (={Heads}) so each K/V head serves the same number of query heads; try {NearestDivisor(Heads, kv)}");
        }
        Require(Vocab >= 2, nameof(Vocab), $"Vocab (={Vocab}) must be >= 2 (the last id is <|endoftext|>); use >= 257 to get a byte-level tokenizer");
        Require(Context >= 1, nameof(Context), $"Context (={Context}) must be >= 1; GPT-2 has 1024");
        Require(Enum.IsDefined(Layout), nameof(Layout), $"Layout (={(int)Layout}) is not a {nameof(SynthLayout)} value");
        Require(!GenAiConfig || Layout == SynthLayout.Optimum, nameof(GenAiConfig),
            $"GenAiConfig (=true) needs Layout Optimum (is {Layout}): ONNX Runtime GenAI reads separate past_key_values.N.key/value inputs without use_cache_branch");
        Require(ExternalData != false || WeightBytes <= OnnxModel.MaxInlineBytes, nameof(ExternalData),
            $"ExternalData (=false) cannot hold {WeightBytes:N0} bytes of weights in model.onnx: protobuf files stop at 2 GiB; set it to true or leave it null");
    }

    private static void Require(bool ok, string parameter, string message)
    {
        if (!ok) throw new ArgumentException(message, parameter);
    }

    /// <summary>The divisor of <paramref name="n"/> closest to <paramref name="wanted"/>.</summary>
    private static int NearestDivisor(int n, int wanted) =>
        Enumerable.Range(1, n).Where(d => n % d == 0).MinBy(d => Math.Abs(d - wanted));
}
