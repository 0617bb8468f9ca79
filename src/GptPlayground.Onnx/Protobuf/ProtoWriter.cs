using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace GptPlayground.Onnx.Protobuf;

/// <summary>Protobuf wire types: the low 3 bits of a field's tag say how its payload is encoded.</summary>
internal enum WireType
{
    /// <summary>Base-128 varint: int32/int64/uint64/bool/enum.</summary>
    Varint = 0,
    /// <summary>8 little-endian bytes: double/fixed64.</summary>
    Fixed64 = 1,
    /// <summary>A varint byte length, then that many bytes: string/bytes/nested message/packed repeated.</summary>
    LengthDelimited = 2,
    /// <summary>Deprecated groups; ONNX never uses them.</summary>
    StartGroup = 3,
    /// <summary>Deprecated groups; ONNX never uses them.</summary>
    EndGroup = 4,
    /// <summary>4 little-endian bytes: float/fixed32.</summary>
    Fixed32 = 5,
}

/// <summary>
/// The protobuf wire encoding (https://protobuf.dev/programming-guides/encoding/) of single values,
/// appended to a buffer. Only what ONNX needs: varints, fixed32, length-delimited fields.
/// </summary>
internal static class ProtoWriter
{
    /// <summary>Bytes a varint takes: 7 payload bits per byte, 1 to 10 bytes.</summary>
    public static int VarintSize(ulong value)
    {
        int size = 1;
        while (value >= 0x80) { value >>= 7; size++; }
        return size;
    }

    /// <summary>Bytes a field tag takes (field number and wire type packed into one varint).</summary>
    public static int TagSize(int field) => VarintSize((ulong)field << 3);

    public static void WriteVarint(IBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(10);
        int n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);   // low 7 bits, continuation bit set
            value >>= 7;
        }
        span[n++] = (byte)value;
        output.Advance(n);
    }

    public static void WriteTag(IBufferWriter<byte> output, int field, WireType wire) =>
        WriteVarint(output, ((ulong)field << 3) | (ulong)wire);

    /// <summary>int64/int32/enum field; negative values take 10 bytes (two's complement), as protobuf says.</summary>
    public static void WriteInt64(IBufferWriter<byte> output, int field, long value)
    {
        WriteTag(output, field, WireType.Varint);
        WriteVarint(output, (ulong)value);
    }

    public static void WriteFloat(IBufferWriter<byte> output, int field, float value)
    {
        WriteTag(output, field, WireType.Fixed32);
        BinaryPrimitives.WriteSingleLittleEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    public static void WriteBytes(IBufferWriter<byte> output, int field, ReadOnlySpan<byte> value)
    {
        WriteTag(output, field, WireType.LengthDelimited);
        WriteVarint(output, (ulong)value.Length);
        output.Write(value);
    }

    public static void WriteString(IBufferWriter<byte> output, int field, string value) =>
        WriteBytes(output, field, Encoding.UTF8.GetBytes(value));

    /// <summary>A packed repeated int64 field: one length-delimited run of varints.</summary>
    public static void WritePackedInt64(IBufferWriter<byte> output, int field, ReadOnlySpan<long> values)
    {
        long length = 0;
        foreach (var v in values) length += VarintSize((ulong)v);
        WriteTag(output, field, WireType.LengthDelimited);
        WriteVarint(output, (ulong)length);
        foreach (var v in values) WriteVarint(output, (ulong)v);
    }
}
