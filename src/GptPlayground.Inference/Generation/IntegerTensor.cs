using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace GptPlayground.Inference.Generation;

/// <summary>
/// A reusable host buffer for an int32 or int64 graph input (ids, mask, positions): written in place
/// each step and wrapped as a tensor view without copying. Grows geometrically, so a decode loop
/// allocates it O(log n) times, not per step.
/// </summary>
internal sealed class IntegerTensor
{
    readonly TensorElementType type;
    long[] longs = [];
    int[] ints = [];

    public IntegerTensor(TensorElementType type, int capacity)
    {
        this.type = type;
        EnsureCapacity(capacity);
    }

    public void EnsureCapacity(int count)
    {
        if (type == TensorElementType.Int64 && longs.Length < count) longs = new long[Math.Max(count, longs.Length * 2)];
        if (type == TensorElementType.Int32 && ints.Length < count) ints = new int[Math.Max(count, ints.Length * 2)];
    }

    public void Set(int index, long value)
    {
        if (type == TensorElementType.Int64) longs[index] = value;
        else ints[index] = checked((int)value);
    }

    /// <summary>A tensor view over the first elements of the buffer; valid until the next <see cref="EnsureCapacity"/>.</summary>
    public OrtValue View(long[] shape)
    {
        long count = 1;
        foreach (var d in shape) count *= d;
        return type == TensorElementType.Int64
            ? OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, longs.AsMemory(0, (int)count), shape)
            : OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, ints.AsMemory(0, (int)count), shape);
    }
}
