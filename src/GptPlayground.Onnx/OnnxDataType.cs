namespace GptPlayground.Onnx;

/// <summary>ONNX tensor element types (<c>TensorProto.DataType</c>; the numbers are the file format's).</summary>
public enum OnnxDataType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
    UInt32 = 12,
    UInt64 = 13,
    Complex64 = 14,
    Complex128 = 15,
    BFloat16 = 16,
    Float8E4M3FN = 17,
    Float8E4M3FNUZ = 18,
    Float8E5M2 = 19,
    Float8E5M2FNUZ = 20,
    UInt4 = 21,
    Int4 = 22,
    Float4E2M1 = 23,
}

/// <summary>Sizes of <see cref="OnnxDataType"/> elements.</summary>
public static class OnnxDataTypes
{
    /// <summary>Bits per element; 0 for strings and unknown types (no fixed size).</summary>
    public static int BitsPerElement(this OnnxDataType type) => type switch
    {
        OnnxDataType.Bool or OnnxDataType.UInt8 or OnnxDataType.Int8 => 8,
        OnnxDataType.Float8E4M3FN or OnnxDataType.Float8E4M3FNUZ or OnnxDataType.Float8E5M2 or OnnxDataType.Float8E5M2FNUZ => 8,
        OnnxDataType.UInt16 or OnnxDataType.Int16 or OnnxDataType.Float16 or OnnxDataType.BFloat16 => 16,
        OnnxDataType.Float or OnnxDataType.Int32 or OnnxDataType.UInt32 => 32,
        OnnxDataType.Double or OnnxDataType.Int64 or OnnxDataType.UInt64 or OnnxDataType.Complex64 => 64,
        OnnxDataType.Complex128 => 128,
        OnnxDataType.UInt4 or OnnxDataType.Int4 or OnnxDataType.Float4E2M1 => 4,
        _ => 0,
    };

    /// <summary>Bytes that <paramref name="elements"/> elements take in raw_data (4-bit types pack two per byte); null for strings.</summary>
    public static long? ByteLength(this OnnxDataType type, long elements)
    {
        int bits = type.BitsPerElement();
        return bits == 0 ? null : checked(elements * bits + 7) / 8;
    }
}
