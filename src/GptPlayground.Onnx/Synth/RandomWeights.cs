using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GptPlayground.Onnx;

/// <summary>
/// Seeded weight data streamed straight into a file: N(0, std) samples or a constant, as float32 or float16
/// (about 5 ns per value on one core).
/// A tensor is cut into chunks of <see cref="ChunkElements"/>, each with its own SplitMix64 stream seeded
/// from (seed, chunk index), so chunks fill in parallel and the bytes never depend on the thread count.
/// </summary>
internal static class RandomWeights
{
    /// <summary>Elements per independently seeded chunk.</summary>
    private const int ChunkElements = 1 << 16;

    /// <summary>Chunks generated (in parallel) before one write: 4M elements, 16 MB of float32.</summary>
    private const int ChunksPerBatch = 64;

    /// <summary>A stable 64-bit seed for a tensor: the model seed mixed with the tensor's name (FNV-1a), so tensors differ.</summary>
    public static ulong TensorSeed(int modelSeed, string tensorName)
    {
        ulong hash = 14695981039346656037;
        foreach (char c in tensorName) hash = (hash ^ c) * 1099511628211;
        return Mix((ulong)(uint)modelSeed ^ hash);
    }

    /// <summary>Writes <paramref name="count"/> samples of N(0, <paramref name="std"/>).</summary>
    public static void WriteNormal(Stream output, ulong seed, long count, float std, bool fp16) =>
        Write(output, count, fp16, (chunk, values) => FillNormal(values, Mix(seed + (ulong)chunk), std));

    /// <summary>Writes <paramref name="count"/> copies of <paramref name="value"/> (LayerNorm gains, zero biases).</summary>
    public static void WriteConstant(Stream output, long count, float value, bool fp16) =>
        Write(output, count, fp16, (_, values) => values.Fill(value));

    /// <summary>Fills chunks in parallel batches and writes them in order, converting to float16 if asked.</summary>
    private static void Write(Stream output, long count, bool fp16, FillChunk fill)
    {
        long chunks = (count + ChunkElements - 1) / ChunkElements;
        int batchChunks = (int)Math.Min(ChunksPerBatch, Math.Max(chunks, 1));
        var values = new float[batchChunks * ChunkElements];
        var halves = fp16 ? new Half[values.Length] : null;
        for (long first = 0; first < chunks; first += batchChunks)
        {
            int inBatch = (int)Math.Min(batchChunks, chunks - first);
            int batchElements = (int)Math.Min((long)inBatch * ChunkElements, count - first * ChunkElements);
            Parallel.For(0, inBatch, i =>
            {
                int length = Math.Min(ChunkElements, batchElements - i * ChunkElements);
                var span = values.AsSpan(i * ChunkElements, length);
                fill(first + i, span);
                if (halves is not null) TensorPrimitives.ConvertToHalf(span, halves.AsSpan(i * ChunkElements, length));
            });
            if (halves is not null) output.Write(MemoryMarshal.AsBytes(halves.AsSpan(0, batchElements)));
            else output.Write(MemoryMarshal.AsBytes(values.AsSpan(0, batchElements)));
        }
    }

    private delegate void FillChunk(long chunk, Span<float> values);

    /// <summary>
    /// Marsaglia's polar method: a point (x, y) uniform in the unit disc (rejection from the square),
    /// s = x^2 + y^2, gives two independent normals x f and y f with f = sqrt(-2 ln s / s).
    /// The draws are a scalar loop; the logarithm and the rest run vectorized over the chunk.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot loop: optimized even in Debug builds of the tests
    private static void FillNormal(Span<float> values, ulong state, float std)
    {
        int pairs = (values.Length + 1) / 2;
        float[] xs = ArrayPool<float>.Shared.Rent(pairs), ys = ArrayPool<float>.Shared.Rent(pairs);
        float[] ss = ArrayPool<float>.Shared.Rent(pairs), logs = ArrayPool<float>.Shared.Rent(pairs);
        for (int i = 0; i < pairs;)
        {
            ulong bits = Mix(state += 0x9E3779B97F4A7C15);                // SplitMix64 step
            float x = (int)(uint)bits * (1f / 2147483648f);                // [-1, 1)
            float y = (int)(uint)(bits >> 32) * (1f / 2147483648f);        // [-1, 1)
            float s = x * x + y * y;
            if (s >= 1 || s == 0) continue;                                // outside the disc (21%): draw again
            xs[i] = x;
            ys[i] = y;
            ss[i] = s;
            i++;
        }
        var f = ss.AsSpan(0, pairs);
        var log = logs.AsSpan(0, pairs);
        TensorPrimitives.Log(f, log);                                      // ln s
        TensorPrimitives.Divide(log, f, f);                                // ln s / s
        TensorPrimitives.Multiply(f, -2 * std * std, f);
        TensorPrimitives.Sqrt(f, f);                                       // std sqrt(-2 ln s / s)
        TensorPrimitives.Multiply(xs.AsSpan(0, pairs), f, values[..pairs]);
        int rest = values.Length - pairs;
        TensorPrimitives.Multiply(ys.AsSpan(0, rest), f[..rest], values[pairs..]);
        foreach (var buffer in new[] { xs, ys, ss, logs }) ArrayPool<float>.Shared.Return(buffer);
    }

    /// <summary>SplitMix64's output function: a bijective 64-bit mix.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
