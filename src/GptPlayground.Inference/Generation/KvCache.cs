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
    int batch;
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

    /// <summary>True when the cache lives in CPU memory, where <see cref="Truncate"/>, <see cref="Rearrange"/> and <see cref="Append"/> work.</summary>
    public bool OnCpu => past.Length == 0 || past[0].GetTensorMemoryInfo().Name.StartsWith("Cpu", StringComparison.OrdinalIgnoreCase);

    /// <summary>Sequences (batch rows) held.</summary>
    public int Batch => batch;

    /// <summary>
    /// Rebuilds the batch: row r of the new cache is row <paramref name="sources"/>[r] of the old one (rows may repeat,
    /// as beams do, or be left out, as finished sequences are), without the first <paramref name="dropLeading"/>
    /// positions of every row (left padding that no row needs any more). One copy; CPU caches only.
    /// </summary>
    public void Rearrange(IReadOnlyList<int> sources, int dropLeading = 0)
    {
        if (!OnCpu) throw new ModelException("rearranging a KV cache kept in GPU memory is not supported; run on CPU");
        if (sources.Count == 0) throw new ArgumentException("keep at least one row; dispose the cache to drop them all", nameof(sources));
        if (dropLeading < 0 || dropLeading > Length) throw new ArgumentOutOfRangeException(nameof(dropLeading), dropLeading, $"positions to drop (={dropLeading}) must be between 0 and {Length}");
        int length = Length - dropLeading;
        var next = new OrtValue[past.Length];
        try
        {
            for (int i = 0; i < past.Length; i++)
            {
                next[i] = Allocate(sources.Count, length);
                var from = past[i].GetTensorMutableRawData();
                var to = next[i].GetTensorMutableRawData();
                for (int r = 0; r < sources.Count; r++)
                    CopyRow(from, batch, Length, sources[r], dropLeading, to, sources.Count, length, r, 0, length);
            }
        }
        catch
        {
            DisposeAll(next);
            throw;
        }
        DisposeAll(past);
        past = next;
        batch = sources.Count;
        Length = length;
    }

    /// <summary>
    /// Appends the rows of <paramref name="other"/> after this cache's rows. The shorter of the two is left-padded
    /// with zeros (positions the attention mask hides) so that every row ends at the same index. CPU caches only.
    /// </summary>
    /// <returns>The positions of left padding added to this cache's rows and to <paramref name="other"/>'s rows.</returns>
    public (int Ours, int Theirs) Append(KvCache other)
    {
        if (!OnCpu || !other.OnCpu) throw new ModelException("merging KV caches kept in GPU memory is not supported; run on CPU");
        int length = Math.Max(Length, other.Length), rows = batch + other.batch;
        int ours = length - Length, theirs = length - other.Length;
        var next = new OrtValue[past.Length];
        try
        {
            for (int i = 0; i < past.Length; i++)
            {
                next[i] = Allocate(rows, length);
                var to = next[i].GetTensorMutableRawData();
                var mine = past[i].GetTensorMutableRawData();
                var theirsData = other.past[i].GetTensorMutableRawData();
                for (int r = 0; r < batch; r++) CopyRow(mine, batch, Length, r, 0, to, rows, length, r, ours, Length);
                for (int r = 0; r < other.batch; r++) CopyRow(theirsData, other.batch, other.Length, r, 0, to, rows, length, batch + r, theirs, other.Length);
            }
        }
        catch
        {
            DisposeAll(next);
            throw;
        }
        DisposeAll(past);
        past = next;
        batch = rows;
        Length = length;
        return (ours, theirs);
    }

    /// <summary>A zero-filled CPU tensor of the cache's shape for <paramref name="rows"/> rows of <paramref name="length"/> positions.</summary>
    OrtValue Allocate(int rows, int length)
    {
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, layout.KvType, Shape(rows, length));
        value.GetTensorMutableRawData().Clear();        // padding must hold numbers: 0 x NaN would poison the attention sum
        return value;
    }

    /// <summary>
    /// Copies <paramref name="count"/> positions of row <paramref name="fromRow"/> (from position <paramref name="fromStart"/>)
    /// to row <paramref name="toRow"/> of another tensor (from position <paramref name="toStart"/>). Both tensors are viewed as
    /// [outer, batch, mid, length, inner]: Separate [batch, heads, length, size]; Stacked [2, batch, heads, length, size].
    /// </summary>
    void CopyRow(Span<byte> from, int fromBatch, int fromLength, int fromRow, int fromStart,
        Span<byte> to, int toBatch, int toLength, int toRow, int toStart, int count)
    {
        int outer = layout.KvStyle == KvCacheStyle.Separate ? 1 : 2, mid = layout.KvHeads;
        int inner = layout.HeadSize * (layout.KvType == TensorElementType.Float16 ? 2 : 4);   // bytes per position
        for (int o = 0; o < outer; o++)
            for (int m = 0; m < mid; m++)
            {
                long source = (((long)(o * fromBatch + fromRow) * mid + m) * fromLength + fromStart) * inner;
                long target = (((long)(o * toBatch + toRow) * mid + m) * toLength + toStart) * inner;
                from.Slice((int)source, count * inner).CopyTo(to.Slice((int)target, count * inner));
            }
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
        var shape = Shape(batch, 0);
        var values = new OrtValue[layout.PastInputs.Count];
        for (int i = 0; i < values.Length; i++)
            values[i] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, layout.KvType, shape);
        return values;
    }

    long[] Shape(int rows, int length) => layout.KvStyle == KvCacheStyle.Separate
        ? [rows, layout.KvHeads, length, layout.HeadSize]
        : [2, rows, layout.KvHeads, length, layout.HeadSize];

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
