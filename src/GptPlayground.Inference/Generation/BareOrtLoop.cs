using GptPlayground.Decoding;
using GptPlayground.Inference.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace GptPlayground.Inference.Generation;

/// <summary>
/// The reference the bench compares the engine against: the plainest greedy KV-cache loop one can
/// write on ONNX Runtime's API: <c>InferenceSession.Run</c> with freshly created input tensors, the
/// presents fed back as pasts. Batch 1, separate key/value caches only. It lives in the engine, beside
/// <see cref="Generator"/>, because it reaches the model's session; the CLI's <c>bench --compare-bare</c> calls it.
/// </summary>
public static class BareOrtLoop
{
    /// <summary>Decodes <paramref name="newTokens"/> greedy tokens after <paramref name="prompt"/>; returns them and the decode time.</summary>
    /// <exception cref="ModelException">The model's KV cache is not past_key_values.N.key/value.</exception>
    public static (int[] Tokens, TimeSpan Decode) Run(LanguageModel model, int[] prompt, int newTokens)
    {
        var layout = model.Layout;
        if (layout.KvStyle != KvCacheStyle.Separate) throw new ModelException("the bare ONNX Runtime loop only handles past_key_values.N.key/value models");
        var session = model.Session;
        var outputNames = new[] { layout.Logits }.Concat(layout.PresentOutputs).ToArray();
        var past = layout.PastInputs.Select(_ => OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, layout.KvType, [1, layout.KvHeads, 0, layout.HeadSize])).ToArray();
        var tokens = new List<int>();
        var clock = new System.Diagnostics.Stopwatch();
        using var runOptions = new RunOptions();
        int length = 0;
        int[] feed = prompt;
        try
        {
            for (int step = 0; step < newTokens; step++)
            {
                if (step == 1) clock.Start();
                var names = new List<string> { layout.InputIds };
                var values = new List<OrtValue> { Ints(layout.InputIdsType, feed.Select(t => (long)t), feed.Length) };
                if (layout.AttentionMask is not null) { names.Add(layout.AttentionMask); values.Add(Ints(layout.AttentionMaskType, Enumerable.Repeat(1L, length + feed.Length), length + feed.Length)); }
                if (layout.PositionIds is not null) { names.Add(layout.PositionIds); values.Add(Ints(layout.PositionIdsType, Enumerable.Range(length, feed.Length).Select(p => (long)p), feed.Length)); }
                if (layout.UseCacheBranch is not null) { names.Add(layout.UseCacheBranch); values.Add(OrtValue.CreateTensorValueFromMemory(new[] { length > 0 }, [1])); }
                names.AddRange(layout.PastInputs);
                values.AddRange(past);
                var outputs = session.Run(runOptions, names, values, outputNames);   // we own each output value
                foreach (var v in values.Take(values.Count - past.Length)) v.Dispose();

                int next = GreedySelector.ArgMax(LastRow(outputs[0], layout));
                tokens.Add(next);
                outputs[0].Dispose();
                foreach (var p in past) p.Dispose();
                past = outputs.Skip(1).ToArray();                                       // presents become pasts
                length += feed.Length;
                feed = [next];
            }
            clock.Stop();
            return (tokens.ToArray(), clock.Elapsed);
        }
        finally
        {
            foreach (var p in past) p.Dispose();
        }
    }

    static OrtValue Ints(TensorElementType type, IEnumerable<long> values, int count) => type == TensorElementType.Int64
        ? OrtValue.CreateTensorValueFromMemory(values.ToArray(), [1, count])
        : OrtValue.CreateTensorValueFromMemory(values.Select(v => (int)v).ToArray(), [1, count]);

    static float[] LastRow(OrtValue logits, DecoderLayout layout)
    {
        var shape = logits.GetTensorTypeAndShape().Shape;
        int vocab = (int)shape[^1], offset = (int)(shape[1] - 1) * vocab;
        return layout.LogitsType == TensorElementType.Float
            ? logits.GetTensorDataAsSpan<float>().Slice(offset, vocab).ToArray()
            : logits.GetTensorDataAsSpan<Float16>().Slice(offset, vocab).ToArray().Select(h => h.ToFloat()).ToArray();
    }
}
