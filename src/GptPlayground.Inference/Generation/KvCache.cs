using GptPlayground.Inference.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace GptPlayground.Inference.Generation;

/// <summary>
/// The KV cache of one decode loop: one past tensor per graph past input, owned here and handed to
/// ONNX Runtime each step. After a step the graph's present outputs (allocated by ORT in
/// <see cref="LanguageModel.CacheMemory"/>, i.e. on the device that ran the model) become the next
/// past: no managed copy of the cache is ever made per step.
/// Shapes: Separate <c>[batch, kv_heads, length, head_size]</c>; Stacked <c>[2, batch, kv_heads, length, head_size]</c>.
/// </summary>
internal sealed class KvCache : IDisposable
{
    readonly DecoderLayout layout;
    readonly int batch;
    OrtValue[] past;

    /// <summary>Tokens held per sequence (left padding included).</summary>
    public int Length { get; private set; }

    public KvCache(DecoderLayout layout, int batch)
    {
        this.layout = layout;
        this.batch = batch;
        past = CreateEmpty();
    }

    /// <summary>The past tensors, index-aligned with <see cref="DecoderLayout.PastInputs"/>.</summary>
    public IReadOnlyList<OrtValue> Past => past;

    /// <summary>Takes ownership of the presents of a step that added <paramref name="added"/> tokens.</summary>
    public void Advance(OrtValue[] presents, int added)
    {
        DisposeAll(past);
        past = presents;
        Length += added;
    }

    /// <summary>Drops the last tokens, keeping <paramref name="length"/> (a copy of what stays; CPU caches only).</summary>
    public void Truncate(int length)
    {
        if (length == Length) return;
        if (length == 0) { Reset(); return; }
        var next = new OrtValue[past.Length];
        try
        {
            for (int i = 0; i < past.Length; i++) next[i] = Slice(past[i], length);
        }
        catch
        {
            DisposeAll(next);
            throw;
        }
        DisposeAll(past);
        past = next;
        Length = length;
    }

    /// <summary>True when the cache lives in CPU memory, where <see cref="Truncate"/> and <see cref="Gather"/> work.</summary>
    public bool OnCpu => past.Length == 0 || past[0].GetTensorMemoryInfo().Name.StartsWith("Cpu", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reorders the batch: row r of the new cache is row <paramref name="sources"/>[r] of the old one (CPU caches only).</summary>
    public void Gather(IReadOnlyList<int> sources)
    {
        if (Length == 0) return;
        if (!OnCpu) throw new ModelException("reordering a KV cache kept in GPU memory is not supported; run on CPU");
        int axis = layout.KvStyle == KvCacheStyle.Separate ? 0 : 1;      // the batch axis
        var next = new OrtValue[past.Length];
        try
        {
            for (int i = 0; i < past.Length; i++)
            {
                var shape = past[i].GetTensorTypeAndShape().Shape;
                long outer = 1; for (int d = 0; d < axis; d++) outer *= shape[d];
                long inner = 1; for (int d = axis + 1; d < shape.Length; d++) inner *= shape[d];
                int rowBytes = (int)(inner * (layout.KvType == TensorElementType.Float16 ? 2 : 4));
                next[i] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, layout.KvType, shape);
                var from = past[i].GetTensorMutableRawData();
                var to = next[i].GetTensorMutableRawData();
                for (long o = 0; o < outer; o++)
                    for (int r = 0; r < batch; r++)
                        from.Slice((int)((o * batch + sources[r]) * rowBytes), rowBytes).CopyTo(to.Slice((int)((o * batch + r) * rowBytes), rowBytes));
            }
        }
        catch
        {
            DisposeAll(next);
            throw;
        }
        DisposeAll(past);
        past = next;
    }

    /// <summary>Empties the cache.</summary>
    public void Reset()
    {
        DisposeAll(past);
        past = CreateEmpty();
        Length = 0;
    }

    OrtValue[] CreateEmpty()
    {
        var shape = Shape(0);
        var values = new OrtValue[layout.PastInputs.Count];
        for (int i = 0; i < values.Length; i++)
            values[i] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, layout.KvType, shape);
        return values;
    }

    long[] Shape(int length) => layout.KvStyle == KvCacheStyle.Separate
        ? [batch, layout.KvHeads, length, layout.HeadSize]
        : [2, batch, layout.KvHeads, length, layout.HeadSize];

    /// <summary>Copies positions [0, length) along the sequence axis: rows of [outer, Length, inner] -> [outer, length, inner].</summary>
    OrtValue Slice(OrtValue source, int length)
    {
        if (!source.GetTensorMemoryInfo().Name.StartsWith("Cpu", StringComparison.OrdinalIgnoreCase))
            throw new ModelException("rewinding a KV cache kept in GPU memory is not supported; run on CPU to rewind");
        var shape = source.GetTensorTypeAndShape().Shape;
        int axis = layout.KvSequenceAxis;
        long outer = 1; for (int d = 0; d < axis; d++) outer *= shape[d];
        long inner = 1; for (int d = axis + 1; d < shape.Length; d++) inner *= shape[d];
        int elementSize = layout.KvType == TensorElementType.Float16 ? 2 : 4;
        var newShape = (long[])shape.Clone(); newShape[axis] = length;
        var target = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, layout.KvType, newShape);
        var from = source.GetTensorMutableRawData();
        var to = target.GetTensorMutableRawData();
        long rowFrom = shape[axis] * inner * elementSize, rowTo = length * inner * elementSize;
        for (long o = 0; o < outer; o++)
            from.Slice((int)(o * rowFrom), (int)rowTo).CopyTo(to.Slice((int)(o * rowTo), (int)rowTo));
        return target;
    }

    static void DisposeAll(OrtValue?[] values)
    {
        foreach (var v in values) v?.Dispose();
    }

    public void Dispose() => DisposeAll(past);
}
