using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace GptPlayground.Onnx.Tests;

/// <summary>A KV cache in float32, whatever the model stores: per layer key and value, [batch, kv_heads, length, head_dim].</summary>
internal sealed record KvCache(int Batch, int Length, List<(float[] Key, float[] Value)> Layers);

/// <summary>One decoder step's outputs in float32.</summary>
internal sealed record StepOutput(float[] Logits, int Batch, int Seq, int Vocab, KvCache Present)
{
    /// <summary>Logits of row <paramref name="b"/> at position <paramref name="i"/>.</summary>
    public float[] At(int b, int i) => Logits.AsSpan((b * Seq + i) * Vocab, Vocab).ToArray();

    /// <summary>Logits of row <paramref name="b"/> at its last position.</summary>
    public float[] Last(int b) => At(b, Seq - 1);
}

/// <summary>
/// Runs a synthetic decoder on ONNX Runtime's CPU provider through its own interface (names, int32/int64
/// inputs, float16/float32 cache, stacked or separate K/V), exposing everything as float32 and int64,
/// so that tests state the same expectation for every layout.
/// </summary>
internal sealed class SynthDecoder : IDisposable
{
    private readonly SynthGptOptions _o;

    public SynthDecoder(SynthGptOptions options, string dir, GraphOptimizationLevel optimization = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        _o = options;
        using var sessionOptions = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, GraphOptimizationLevel = optimization };
        Session = new InferenceSession(Path.Combine(dir, SynthGpt.ModelFileName), sessionOptions);
    }

    public InferenceSession Session { get; }

    public void Dispose() => Session.Dispose();

    private int KvHeads => _o.EffectiveKvHeads;

    /// <summary>An empty cache (length 0) for <paramref name="batch"/> rows.</summary>
    public KvCache Empty(int batch) => Filled(batch, 0, 0f);

    /// <summary>A cache of <paramref name="length"/> positions filled with <paramref name="value"/> (dummy past for the merged no-cache branch).</summary>
    public KvCache Filled(int batch, int length, float value) => new(batch, length, Enumerable.Range(0, _o.Layers)
        .Select(_ => (Fill(batch * KvHeads * length * _o.HeadDim, value), Fill(batch * KvHeads * length * _o.HeadDim, value))).ToList());

    private static float[] Fill(int n, float value) => Enumerable.Repeat(value, n).ToArray();

    /// <summary>Runs one step.</summary>
    /// <param name="ids">[batch][seq] token ids.</param>
    /// <param name="mask">[batch][past + seq] attention mask.</param>
    /// <param name="positions">[batch][seq] position ids; ignored by graphs without a position_ids input.</param>
    /// <param name="past">The cache so far.</param>
    /// <param name="useCacheBranch">Merged layout only: the use_cache_branch flag.</param>
    public StepOutput Run(long[][] ids, long[][] mask, long[][] positions, KvCache past, bool useCacheBranch = true)
    {
        int batch = ids.Length, seq = ids[0].Length;
        var inputs = new Dictionary<string, OrtValue>();
        try
        {
            inputs["input_ids"] = Ints(ids);
            inputs["attention_mask"] = Ints(mask);
            if (_o.PositionIds) inputs["position_ids"] = Ints(positions);
            for (int l = 0; l < _o.Layers; l++)
            {
                var (key, value) = past.Layers[l];
                long[] shape = [batch, KvHeads, past.Length, _o.HeadDim];
                if (_o.Layout == SynthLayout.LegacyStacked)
                    inputs[$"past_{l}"] = Floats([.. key, .. value], [2, .. shape]);
                else
                {
                    inputs[$"past_key_values.{l}.key"] = Floats(key, shape);
                    inputs[$"past_key_values.{l}.value"] = Floats(value, shape);
                }
            }
            if (_o.Layout == SynthLayout.OptimumMerged)
                inputs["use_cache_branch"] = OrtValue.CreateTensorValueFromMemory(new[] { useCacheBranch }, [1]);

            using var runOptions = new RunOptions();
            using var outputs = Session.Run(runOptions, inputs, Session.OutputNames);
            var byName = Session.OutputNames.Zip(outputs).ToDictionary(p => p.First, p => p.Second);
            var logits = ReadFloats(byName["logits"]);
            int total = (int)byName[_o.Layout == SynthLayout.LegacyStacked ? "present_0" : "present.0.key"].GetTensorTypeAndShape().Shape[^2];
            var present = new List<(float[], float[])>();
            for (int l = 0; l < _o.Layers; l++)
            {
                if (_o.Layout == SynthLayout.LegacyStacked)
                {
                    var stacked = ReadFloats(byName[$"present_{l}"]);
                    present.Add((stacked[..(stacked.Length / 2)], stacked[(stacked.Length / 2)..]));
                }
                else
                    present.Add((ReadFloats(byName[$"present.{l}.key"]), ReadFloats(byName[$"present.{l}.value"])));
            }
            return new StepOutput(logits, batch, seq, _o.Vocab, new KvCache(batch, total, present));
        }
        finally
        {
            foreach (var value in inputs.Values) value.Dispose();
        }
    }

    private OrtValue Ints(long[][] rows)
    {
        long[] shape = [rows.Length, rows.Length == 0 ? 0 : rows[0].Length];
        var flat = rows.SelectMany(r => r).ToArray();
        return _o.Int32Inputs
            ? OrtValue.CreateTensorValueFromMemory(flat.Select(v => (int)v).ToArray(), shape)
            : OrtValue.CreateTensorValueFromMemory(flat, shape);
    }

    private OrtValue Floats(float[] data, long[] shape) => _o.Fp16
        ? OrtValue.CreateTensorValueFromMemory(data.Select(v => (Float16)v).ToArray(), shape)
        : OrtValue.CreateTensorValueFromMemory(data, shape);

    private static float[] ReadFloats(OrtValue value) =>
        value.GetTensorTypeAndShape().ElementDataType == TensorElementType.Float16
            ? value.GetTensorDataAsSpan<Float16>().ToArray().Select(h => h.ToFloat()).ToArray()
            : value.GetTensorDataAsSpan<float>().ToArray();
}
