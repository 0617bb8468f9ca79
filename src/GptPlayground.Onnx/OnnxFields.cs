namespace GptPlayground.Onnx;

/// <summary>
/// Field numbers of the ONNX protobuf messages this project reads and writes, from
/// https://github.com/onnx/onnx/blob/main/onnx/onnx.proto (the subset a decoder model needs).
/// The reader and the writer both use these, so the two cannot disagree.
/// </summary>
internal static class OnnxFields
{
    public static class Model
    {
        public const int IrVersion = 1;          // int64
        public const int ProducerName = 2;       // string
        public const int ProducerVersion = 3;    // string
        public const int Domain = 4;             // string
        public const int ModelVersion = 5;       // int64
        public const int DocString = 6;          // string
        public const int Graph = 7;              // GraphProto
        public const int OpsetImport = 8;        // repeated OperatorSetIdProto
    }

    public static class OperatorSetId
    {
        public const int Domain = 1;             // string; "" is the default ai.onnx domain
        public const int Version = 2;            // int64
    }

    public static class Graph
    {
        public const int Node = 1;               // repeated NodeProto
        public const int Name = 2;               // string
        public const int Initializer = 5;        // repeated TensorProto
        public const int DocString = 10;         // string
        public const int Input = 11;             // repeated ValueInfoProto
        public const int Output = 12;            // repeated ValueInfoProto
        public const int ValueInfo = 13;         // repeated ValueInfoProto
        public const int SparseInitializer = 15; // repeated SparseTensorProto
    }

    public static class Node
    {
        public const int Input = 1;              // repeated string
        public const int Output = 2;             // repeated string
        public const int Name = 3;               // string
        public const int OpType = 4;             // string
        public const int Attribute = 5;          // repeated AttributeProto
        public const int Domain = 7;             // string
    }

    public static class Attribute
    {
        public const int Name = 1;               // string
        public const int F = 2;                  // float
        public const int I = 3;                  // int64
        public const int S = 4;                  // bytes
        public const int T = 5;                  // TensorProto
        public const int G = 6;                  // GraphProto
        public const int Floats = 7;             // repeated float
        public const int Ints = 8;               // repeated int64
        public const int Type = 20;              // AttributeType enum
    }

    /// <summary>AttributeProto.AttributeType values.</summary>
    public static class AttributeType
    {
        public const int Float = 1, Int = 2, String = 3, Tensor = 4, Graph = 5, Floats = 6, Ints = 7;
    }

    public static class Tensor
    {
        public const int Dims = 1;               // repeated int64
        public const int DataType = 2;           // int32 (OnnxDataType)
        public const int Segment = 3;            // Segment
        public const int FloatData = 4;          // repeated float, packed
        public const int Int32Data = 5;          // repeated int32, packed
        public const int StringData = 6;         // repeated bytes
        public const int Int64Data = 7;          // repeated int64, packed
        public const int Name = 8;               // string
        public const int RawData = 9;            // bytes, little-endian
        public const int DoubleData = 10;        // repeated double, packed
        public const int Uint64Data = 11;        // repeated uint64, packed
        public const int DocString = 12;         // string
        public const int ExternalData = 13;      // repeated StringStringEntryProto: location, offset, length, checksum
        public const int DataLocation = 14;      // enum: 0 DEFAULT, 1 EXTERNAL
    }

    /// <summary>TensorProto.DataLocation values.</summary>
    public const int DataLocationExternal = 1;

    public static class StringStringEntry
    {
        public const int Key = 1;                // string
        public const int Value = 2;              // string
    }

    public static class ValueInfo
    {
        public const int Name = 1;               // string
        public const int Type = 2;               // TypeProto
    }

    public static class TypeProto
    {
        public const int TensorType = 1;         // TypeProto.Tensor
    }

    public static class TensorType
    {
        public const int ElemType = 1;           // int32 (OnnxDataType)
        public const int Shape = 2;              // TensorShapeProto
    }

    public static class TensorShape
    {
        public const int Dim = 1;                // repeated Dimension
    }

    public static class Dimension
    {
        public const int DimValue = 1;           // int64
        public const int DimParam = 2;           // string
    }
}
