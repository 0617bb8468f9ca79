namespace GptPlayground.Onnx;

/// <summary>
/// A file is not a well-formed ONNX model: truncated, not protobuf, or a field holds something else
/// than ONNX says it must. The message names the byte offset and what was expected there
/// ("model.onnx: at byte 1234: field 'graph' (7) needs 5000 bytes, the file ends at byte 2000: truncated file?").
/// </summary>
public sealed class OnnxFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The file being read (named in the message).</param>
    /// <param name="offset">Byte offset in the file where the problem was found; -1 if it concerns the file as a whole.</param>
    /// <param name="problem">What was found and what was expected.</param>
    public OnnxFormatException(string path, long offset, string problem)
        : base(offset >= 0 ? $"{path}: at byte {offset}: {problem}" : $"{path}: {problem}")
    {
        Path = path;
        Offset = offset;
    }

    /// <summary>The file being read.</summary>
    public string Path { get; }

    /// <summary>Byte offset in the file where the problem was found; -1 if it concerns the file as a whole.</summary>
    public long Offset { get; }
}
