namespace GptPlayground.Onnx;

/// <summary>
/// Builds the ONNX graph of a GPT-2-style decoder from <see cref="SynthGptOptions"/>: token + position
/// embeddings, pre-LayerNorm blocks (causal self-attention with an optional grouped K/V, a 4x GELU MLP),
/// a final LayerNorm and the LM head, with a KV cache in the chosen <see cref="SynthLayout"/>.
/// Standard ai.onnx opset-17 operators only. Shapes: B batch, S new tokens, P past tokens, T = P + S,
/// H hidden, V vocab, kv K/V heads, g = heads / kv query heads per K/V head, d head_dim.
/// </summary>
/// <remarks>
/// Attention rule (the engine depends on it): a query at absolute position P + i sees key j iff
/// j &lt;= P + i and attention_mask[b, j] == 1. A row that sees nothing (a left-padding query) gets a
/// uniform softmax instead of NaN, because masked scores are a finite -1e9.
/// </remarks>
internal sealed class GptGraph
{
    private const float LayerNormEpsilon = 1e-5f;   // GPT-2's layer_norm_epsilon
    private const float MaskedScore = -1e9f;        // finite, so a fully masked row cannot turn into NaN

    private readonly SynthGptOptions _o;
    private readonly OnnxGraph _g = new("synth_gpt");
    private readonly GraphOps _ops;
    private readonly OnnxDataType _kvType;          // storage type of past/present and logits
    private readonly OnnxDataType _idType;          // type of input_ids / attention_mask / position_ids
    private readonly Names _names;
    private readonly int _heads, _kvHeads, _groups, _headDim;

    private GptGraph(SynthGptOptions o)
    {
        _o = o;
        _ops = new GraphOps(_g);
        _kvType = o.Fp16 ? OnnxDataType.Float16 : OnnxDataType.Float;
        _idType = o.Int32Inputs ? OnnxDataType.Int32 : OnnxDataType.Int64;
        _names = new Names(o.Layout);
        _heads = o.Heads;
        _kvHeads = o.EffectiveKvHeads;
        _groups = o.Heads / _kvHeads;
        _headDim = o.HeadDim;
    }

    /// <summary>The decoder as an ONNX model whose weights are streamed from a seeded RNG when saved.</summary>
    public static OnnxModel Build(SynthGptOptions options)
    {
        options.Validate();
        var gpt = new GptGraph(options);
        gpt.Forward();
        return new OnnxModel(gpt._g)
        {
            DocString = $"Random-weight GPT-2-style decoder (seed {options.Seed}): {options.Layers} layers, hidden {options.Hidden}, " +
                        $"{options.Heads} heads ({gpt._kvHeads} K/V), vocab {options.Vocab}, {options.Layout} layout",
        };
    }

    /// <summary>The whole forward pass, inputs to outputs.</summary>
    private void Forward()
    {
        var o = _o;
        var n = _names;
        DeclareInputs();

        // integer inputs as int64, the type Gather/Range/CumSum below work in
        string ids = Int64(n.InputIds);                                           // [B, S]
        string mask = Int64(n.AttentionMask);                                     // [B, T]
        var past = ReadPast();                                                    // per layer: [B, kv, P, d] each
        string negS = _ops.Neg(_ops.Shape(ids, 1, 2));                            // [1]: -S, to slice the last S columns
        if (o.Layout == SynthLayout.OptimumMerged)
            (past, mask) = CacheBranch(past, mask, negS);

        // sizes
        string s = _ops.Dim(ids, 1);                                              // scalar S
        string p = _ops.Dim(past[0].Key, 2);                                      // scalar P
        string t = _ops.Add(p, s);                                                // scalar T

        // positions: given, or counted from the mask (left padding makes the first real token 0)
        string pos = o.PositionIds
            ? Int64(n.PositionIds)                                                // [B, S]
            : _ops.Slice(_ops.Sub(_ops.CumSum(mask, 1), _ops.Int(1)),             // [B, T] -> [B, S]
                negS, _ops.Ints(long.MaxValue), _ops.Ints(1));
        pos = _ops.Clip(pos, _ops.Int(0), _ops.Int(o.Context - 1));               // [B, S]

        string bias = AttentionBias(mask, p, t);                                  // [B, 1, 1, S, T]

        // embeddings
        _g.Scope = "/embed/";
        string wte = Weight("transformer.wte.weight", [o.Vocab, o.Hidden], Init.Normal);
        string wpe = Weight("transformer.wpe.weight", [o.Context, o.Hidden], Init.Normal);
        string x = _ops.Add(_ops.Gather(wte, ids), _ops.Gather(wpe, pos));       // [B, S, H]

        // transformer blocks
        var present = new List<(string Key, string Value)>();
        for (int i = 0; i < o.Layers; i++)
        {
            string prefix = $"transformer.h.{i}";
            _g.Scope = $"/h.{i}/attn/";
            string h = LayerNorm(x, $"{prefix}.ln_1");                            // [B, S, H]
            var (y, kv) = Attention(h, bias, past[i], $"{prefix}.attn");          // [B, S, H]
            x = _ops.Add(x, y);
            present.Add(kv);
            _g.Scope = $"/h.{i}/mlp/";
            h = LayerNorm(x, $"{prefix}.ln_2");
            x = _ops.Add(x, Mlp(h, $"{prefix}.mlp"));                             // [B, S, H]
        }

        // LM head: logits = ln_f(x) @ W^T, W = [V, H] (the token embedding when tied).
        // ln_f's gain is N(0, 1), not 1: with a tied head and random weights, the residual stream is
        // mostly the input token's own embedding, so a gain of 1 makes every position predict its input
        // token and greedy decoding repeats it forever; a random gain decorrelates the two.
        _g.Scope = "/lm_head/";
        x = LayerNorm(x, "transformer.ln_f", Init.UnitNormal);                    // [B, S, H]
        string vocabWeight = o.TiedEmbeddings ? wte : Weight("lm_head.weight", [o.Vocab, o.Hidden], Init.Normal);
        string logits = _ops.MatMulTransB(_ops.Reshape(x, -1, o.Hidden), vocabWeight); // [B*S, V]
        logits = _ops.Reshape(logits, _ops.Concat(0, _ops.Shape(ids, 0, 2), _ops.Ints(o.Vocab))); // [B, S, V]
        if (o.Fp16) logits = _ops.Cast(logits, OnnxDataType.Float16);

        DeclareOutputs(logits, present);
    }

    /// <summary>
    /// Causal self-attention of one block. Returns the block's output and this layer's present K/V
    /// (past + new, in the storage type) for the cache.
    /// </summary>
    private (string Output, (string Key, string Value) Present) Attention(string h, string bias, (string Key, string Value) past, string prefix)
    {
        int kv = _kvHeads, g = _groups, d = _headDim;
        string qkv = Linear(h, $"{prefix}.c_attn", _o.Hidden, (_heads + 2 * kv) * d);       // [B, S, (heads + 2 kv) d]
        var split = _ops.Split(qkv, -1, _heads * d, kv * d, kv * d);
        string q = _ops.Reshape(split[0], 0, 0, kv, g, d);                       // [B, S, kv, g, d]: head = kv_head * g + i
        q = _ops.Transpose(q, 0, 2, 3, 1, 4);                                     // [B, kv, g, S, d]
        q = _ops.Mul(q, _ops.Float(1 / MathF.Sqrt(d)));                           // scale before the product: S*d, not S*T
        string k = _ops.Transpose(_ops.Reshape(split[1], 0, 0, kv, d), 0, 2, 1, 3); // [B, kv, S, d]
        string v = _ops.Transpose(_ops.Reshape(split[2], 0, 0, kv, d), 0, 2, 1, 3); // [B, kv, S, d]

        // KV cache: append the new keys/values in the storage type, then attend over all of them in
        // float32; a full pass and an incremental one thus see the same (rounded) keys.
        string presentK = _ops.Concat(2, past.Key, ToStorage(k));                // [B, kv, T, d]
        string presentV = _ops.Concat(2, past.Value, ToStorage(v));              // [B, kv, T, d]
        string keys = _ops.Unsqueeze(ToFloat(presentK), 2);                       // [B, kv, 1, T, d]: shared by g query heads
        string values = _ops.Unsqueeze(ToFloat(presentV), 2);                     // [B, kv, 1, T, d]

        string att = _ops.MatMul(q, _ops.Transpose(keys, 0, 1, 2, 4, 3));        // [B, kv, g, S, T]
        att = _ops.Softmax(_ops.Add(att, bias), -1);                              // masked keys get ~0 weight
        string y = _ops.MatMul(att, values);                                      // [B, kv, g, S, d]
        y = _ops.Reshape(_ops.Transpose(y, 0, 3, 1, 2, 4), 0, 0, _o.Hidden);      // [B, S, H]: heads side by side
        return (Linear(y, $"{prefix}.c_proj", _o.Hidden, _o.Hidden, Init.Residual), (presentK, presentV)); // [B, S, H]
    }

    /// <summary>MLP: 4x expansion, GELU (tanh approximation, GPT-2's "gelu_new"), projection back.</summary>
    private string Mlp(string h, string prefix)
    {
        string x = Linear(h, $"{prefix}.c_fc", _o.Hidden, 4 * _o.Hidden);                    // [B, S, 4H]
        // gelu(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
        string cube = _ops.Mul(_ops.Pow(x, _ops.Float(3)), _ops.Float(0.044715f));
        string inner = _ops.Mul(_ops.Add(x, cube), _ops.Float(MathF.Sqrt(2 / MathF.PI)));
        x = _ops.Mul(_ops.Mul(x, _ops.Float(0.5f)), _ops.Add(_ops.Tanh(inner), _ops.Float(1)));
        return Linear(x, $"{prefix}.c_proj", 4 * _o.Hidden, _o.Hidden, Init.Residual);                          // [B, S, H]
    }

    /// <summary>
    /// Additive attention bias shared by all layers: 0 where query i may see key j, -1e9 elsewhere.
    /// Key j is visible iff j &lt;= P + i (causal) and attention_mask[b, j] == 1 (not padding).
    /// </summary>
    private string AttentionBias(string mask, string p, string t)
    {
        _g.Scope = "/mask/";
        string keyPos = _ops.Range(_ops.Int(0), t, _ops.Int(1));                  // [T]
        string queryPos = _ops.Range(p, t, _ops.Int(1));                          // [S]: absolute positions of the new tokens
        string causal = _ops.LessOrEqual(_ops.Unsqueeze(keyPos, 0), _ops.Unsqueeze(queryPos, 1)); // [S, T]
        string keep = _ops.Unsqueeze(_ops.Cast(mask, OnnxDataType.Bool), 1, 2, 3);  // [B, 1, 1, 1, T]
        string allowed = _ops.And(causal, keep);                                  // [B, 1, 1, S, T]
        return _ops.Where(allowed, _ops.Float(0), _ops.Float(MaskedScore));       // [B, 1, 1, S, T]
    }

    /// <summary>
    /// Optimum's merged decoder: use_cache_branch = true keeps the past; false drops it (an empty
    /// [B, kv, 0, d] past) and keeps the last S mask columns, whatever past length was fed.
    /// </summary>
    private (List<(string Key, string Value)>, string Mask) CacheBranch(List<(string Key, string Value)> past, string mask, string negS)
    {
        _g.Scope = "/cache_branch/";
        var withPast = new OnnxGraph("with_past") { Scope = "/with_past/" };
        var noPast = new OnnxGraph("no_past") { Scope = "/no_past/" };
        var withOps = new GraphOps(withPast);
        var noOps = new GraphOps(noPast);
        var empty = (Starts: noOps.Ints(0), Ends: noOps.Ints(0), Axes: noOps.Ints(2));
        foreach (var (key, value) in past)
            foreach (var cache in new[] { key, value })
            {
                Output(withPast, withOps.Identity(cache), _kvType);               // [B, kv, P, d]
                Output(noPast, noOps.Slice(cache, empty.Starts, empty.Ends, empty.Axes), _kvType); // [B, kv, 0, d]
            }
        Output(withPast, withOps.Identity(mask), OnnxDataType.Int64);             // [B, P + S]
        Output(noPast, noOps.Slice(mask, negS, noOps.Ints(long.MaxValue), noOps.Ints(1)), OnnxDataType.Int64); // [B, S]

        var outputs = _ops.If(_names.UseCacheBranch!, withPast, noPast, withPast.Outputs.Count);
        var chosen = Enumerable.Range(0, past.Count).Select(i => (outputs[2 * i], outputs[2 * i + 1])).ToList();
        return (chosen, outputs[^1]);

        static void Output(OnnxGraph branch, string value, OnnxDataType type) =>
            branch.Outputs.Add(new OnnxValueInfo(value, type, null));
    }

    /// <summary>Per layer (key, value) of the past in the storage type, [B, kv, P, d] each.</summary>
    private List<(string Key, string Value)> ReadPast()
    {
        _g.Scope = "/past/";
        return Enumerable.Range(0, _o.Layers).Select(i => _o.Layout == SynthLayout.LegacyStacked
            ? (_ops.Gather(_names.Past(i, 0), _ops.Int(0)), _ops.Gather(_names.Past(i, 0), _ops.Int(1)))  // [2, B, kv, P, d] -> [B, kv, P, d]
            : (_names.Past(i, 0), _names.Past(i, 1))).ToList();
    }

    // ---- building blocks ----

    /// <summary>x @ W + b with W stored [in, out] (GPT-2's Conv1D layout: no transpose at run time).</summary>
    private string Linear(string x, string prefix, long inFeatures, long outFeatures, Init init = Init.Normal)
    {
        string w = Weight($"{prefix}.weight", [inFeatures, outFeatures], init);
        string b = Weight($"{prefix}.bias", [outFeatures], Init.Zeros);
        return _ops.Add(_ops.MatMul(x, w), b);
    }

    private string LayerNorm(string x, string prefix, Init gain = Init.Ones) =>
        _ops.LayerNorm(x, Weight($"{prefix}.weight", [_o.Hidden], gain), Weight($"{prefix}.bias", [_o.Hidden], Init.Zeros), LayerNormEpsilon);

    /// <summary>How a weight is filled (GPT-2's initialization, but for ln_f's gain).</summary>
    private enum Init
    {
        /// <summary>N(0, 0.02): GPT-2's initializer_range.</summary>
        Normal,
        /// <summary>N(0, 0.02 / sqrt(2 n_layer)): projections back into the residual stream, so the blocks' sum does not drown the embeddings (GPT-2 paper, section 2.3).</summary>
        Residual,
        /// <summary>N(0, 1).</summary>
        UnitNormal,
        /// <summary>0: biases.</summary>
        Zeros,
        /// <summary>1: LayerNorm gains.</summary>
        Ones,
    }

    /// <summary>
    /// Adds a weight initializer (float16 or float32, streamed from the seeded RNG at save time) and
    /// returns the name to compute with: float32, through a Cast for float16 weights (ONNX Runtime
    /// folds that Cast into a float32 copy when the session loads).
    /// </summary>
    private string Weight(string name, long[] dims, Init init)
    {
        long count = dims.Aggregate(1L, (a, b) => a * b);
        bool fp16 = _o.Fp16;
        ulong seed = RandomWeights.TensorSeed(_o.Seed, name);
        float std = init switch
        {
            Init.Normal => SynthGptOptions.InitStd,
            Init.Residual => SynthGptOptions.InitStd / MathF.Sqrt(2 * _o.Layers),
            _ => 1,
        };
        _g.Initializers.Add(OnnxTensor.Streamed(name, fp16 ? OnnxDataType.Float16 : OnnxDataType.Float, dims, stream =>
        {
            if (init is Init.Normal or Init.Residual or Init.UnitNormal) RandomWeights.WriteNormal(stream, seed, count, std, fp16);
            else RandomWeights.WriteConstant(stream, count, init == Init.Ones ? 1 : 0, fp16);
        }));
        return fp16 ? _ops.Cast(name, OnnxDataType.Float) : name;
    }

    private string Int64(string input) => _o.Int32Inputs ? _ops.Cast(input, OnnxDataType.Int64) : input;

    private string ToStorage(string x) => _o.Fp16 ? _ops.Cast(x, OnnxDataType.Float16) : x;

    private string ToFloat(string x) => _o.Fp16 ? _ops.Cast(x, OnnxDataType.Float) : x;

    // ---- interface ----

    private void DeclareInputs()
    {
        var n = _names;
        var ids = new OnnxValueInfo(n.InputIds, _idType, [n.Batch, n.Seq]);
        var mask = new OnnxValueInfo(n.AttentionMask, _idType, [n.Batch, n.Total]);
        var positions = new OnnxValueInfo(n.PositionIds, _idType, [n.Batch, n.Seq]);
        // Optimum: ids, mask, positions; the GPT-2 converter: ids, positions, mask
        var order = _o.Layout == SynthLayout.LegacyStacked ? new[] { ids, positions, mask } : [ids, mask, positions];
        _g.Inputs.AddRange(order.Where(i => _o.PositionIds || i != positions));
        for (int i = 0; i < _o.Layers; i++)
            foreach (int kind in _o.Layout == SynthLayout.LegacyStacked ? new[] { 0 } : [0, 1])
                _g.Inputs.Add(new OnnxValueInfo(n.Past(i, kind), _kvType, CacheShape(total: false)));
        if (n.UseCacheBranch is { } branch)
            _g.Inputs.Add(new OnnxValueInfo(branch, OnnxDataType.Bool, [1]));
    }

    private void DeclareOutputs(string logits, List<(string Key, string Value)> present)
    {
        var n = _names;
        _g.Outputs.Add(new OnnxValueInfo(_g.Rename(logits, n.Logits), _kvType, [n.Batch, n.Seq, _o.Vocab]));
        _g.Scope = "/present/";
        for (int i = 0; i < present.Count; i++)
        {
            var (key, value) = present[i];
            var outputs = _o.Layout == SynthLayout.LegacyStacked
                ? [_ops.Concat(0, _ops.Unsqueeze(key, 0), _ops.Unsqueeze(value, 0))] // [2, B, kv, T, d]
                : new[] { key, value };
            for (int kind = 0; kind < outputs.Length; kind++)
                _g.Outputs.Add(new OnnxValueInfo(_g.Rename(outputs[kind], n.Present(i, kind)), _kvType, CacheShape(total: true)));
        }
    }

    /// <summary>[B, kv, len, d], or [2, B, kv, len, d] stacked; len is the past or total length.</summary>
    private OnnxDim[] CacheShape(bool total)
    {
        OnnxDim length = total ? _names.Total : _names.PastSeq;
        OnnxDim[] shape = [_names.Batch, _kvHeads, length, _headDim];
        return _o.Layout == SynthLayout.LegacyStacked ? [2, .. shape] : shape;
    }

    /// <summary>Input/output and dimension names of a layout, as each exporter spells them.</summary>
    private sealed class Names(SynthLayout layout)
    {
        private readonly bool _legacy = layout == SynthLayout.LegacyStacked;
        public string InputIds => "input_ids";
        public string AttentionMask => "attention_mask";
        public string PositionIds => "position_ids";
        public string Logits => "logits";
        public string? UseCacheBranch => layout == SynthLayout.OptimumMerged ? "use_cache_branch" : null;
        public string Batch => "batch_size";
        public string Seq => _legacy ? "seq_len" : "sequence_length";
        public string PastSeq => _legacy ? "past_seq_len" : "past_sequence_length";
        public string Total => _legacy ? "total_seq_len" : "past_sequence_length + sequence_length";

        /// <summary>Past input of layer <paramref name="layer"/>; kind 0 = key (or stacked), 1 = value.</summary>
        public string Past(int layer, int kind) => _legacy ? $"past_{layer}" : $"past_key_values.{layer}.{(kind == 0 ? "key" : "value")}";

        /// <summary>Present output of layer <paramref name="layer"/>; kind 0 = key (or stacked), 1 = value.</summary>
        public string Present(int layer, int kind) => _legacy ? $"present_{layer}" : $"present.{layer}.{(kind == 0 ? "key" : "value")}";
    }
}
