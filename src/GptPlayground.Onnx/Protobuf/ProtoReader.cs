using System.Buffers.Binary;
using System.Text;

namespace GptPlayground.Onnx.Protobuf;

/// <summary>
/// A forward-only protobuf reader over a file: reads tags and scalars through a small buffer and skips
/// large payloads by seeking, so a 500 MB model costs a few kilobytes of memory.
/// Every read is checked against the end of the message that encloses it; anything malformed raises the caller's
/// format exception (made by the factory given to the constructor) with the byte offset, never an index or overflow error.
/// </summary>
internal sealed class ProtoReader : IDisposable
{
    private const int BufferSize = 64 * 1024;
    private const int MaxStringBytes = 1 << 20;   // names and producer strings; longer ones are skipped, not read

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[BufferSize];
    private long _bufferStart;     // file offset of _buffer[0]
    private int _bufferLength;     // valid bytes in _buffer
    private int _bufferPos;        // next byte to read in _buffer
    private readonly Func<long, string, Exception> _error;

    /// <param name="stream">The file.</param>
    /// <param name="path">The file name used in error messages.</param>
    /// <param name="error">Makes the exception for a problem at a byte offset (the file format's own exception type).</param>
    public ProtoReader(Stream stream, string path, Func<long, string, Exception> error)
    {
        _stream = stream;
        Path = path;
        _error = error;
        Length = stream.Length;
        _bufferStart = stream.Position;
    }

    /// <summary>The file name used in error messages.</summary>
    public string Path { get; }

    /// <summary>Total bytes in the stream.</summary>
    public long Length { get; }

    /// <summary>Offset of the next byte to read.</summary>
    public long Position => _bufferStart + _bufferPos;

    public void Dispose() => _stream.Dispose();

    /// <summary>An error at the current position.</summary>
    public Exception Error(string problem) => _error(Position, problem);

    /// <summary>An error at a given position.</summary>
    public Exception Error(long offset, string problem) => _error(offset, problem);

    /// <summary>
    /// Reads the next field tag of a message ending at <paramref name="end"/>; false at the end.
    /// </summary>
    public bool TryReadTag(long end, out int field, out WireType wire)
    {
        field = 0;
        wire = default;
        if (Position == end) return false;
        long at = Position;
        ulong tag = ReadVarint(end);
        field = tag >> 3 is > 0 and <= 536_870_911 ? (int)(tag >> 3) : throw Error(at, $"field number {tag >> 3} in tag 0x{tag:x}: protobuf field numbers are 1..2^29-1; not a protobuf message?");
        wire = (WireType)(tag & 7);
        if (wire is not (WireType.Varint or WireType.Fixed64 or WireType.LengthDelimited or WireType.Fixed32))
            throw Error(at, $"field {field} has wire type {(int)wire}; ONNX uses only varint (0), fixed64 (1), length-delimited (2) and fixed32 (5): not a protobuf message?");
        return true;
    }

    /// <summary>Reads a base-128 varint that must end before <paramref name="end"/>.</summary>
    public ulong ReadVarint(long end)
    {
        long at = Position;
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (Position >= end) throw Error(at, $"a varint runs past byte {end}, where {(end >= Length ? "the file" : "its message")} ends{TruncationHint(end)}");
            byte b = ReadByte();
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw Error(at, "a varint is longer than 10 bytes: not a protobuf message?");
    }

    /// <summary>Reads a length prefix and checks the payload fits before <paramref name="end"/>; returns the payload's end offset.</summary>
    public long ReadLength(long end, string what)
    {
        long at = Position;
        ulong length = ReadVarint(end);
        if (length > (ulong)(end - Position))
            throw Error(at, $"{what} needs {length} bytes, {Ends(end)}");
        return Position + (long)length;
    }

    /// <summary>Reads a length-delimited UTF-8 string field.</summary>
    public string ReadString(long end, string what)
    {
        long payloadEnd = ReadLength(end, what);
        long length = payloadEnd - Position;
        if (length > MaxStringBytes) throw Error($"{what} is a {length}-byte string; expected a name under {MaxStringBytes} bytes");
        var bytes = new byte[length];
        ReadExactly(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    public uint ReadFixed32(long end)
    {
        Span<byte> bytes = stackalloc byte[4];
        RequireBytes(end, 4, "a fixed32 value");
        ReadExactly(bytes);
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    /// <summary>Skips the payload of a field of the given wire type.</summary>
    public void SkipField(WireType wire, long end, string what)
    {
        switch (wire)
        {
            case WireType.Varint: ReadVarint(end); break;
            case WireType.Fixed64: RequireBytes(end, 8, what); Seek(Position + 8); break;
            case WireType.Fixed32: RequireBytes(end, 4, what); Seek(Position + 4); break;
            case WireType.LengthDelimited: Seek(ReadLength(end, what)); break;
            default: throw Error($"{what}: wire type {(int)wire} cannot be skipped");
        }
    }

    /// <summary>Moves to <paramref name="offset"/> (forward only in practice), reusing the buffer when it holds that byte.</summary>
    public void Seek(long offset)
    {
        if (offset >= _bufferStart && offset <= _bufferStart + _bufferLength)
        {
            _bufferPos = (int)(offset - _bufferStart);
            return;
        }
        _stream.Position = offset;
        _bufferStart = offset;
        _bufferLength = 0;
        _bufferPos = 0;
    }

    private void RequireBytes(long end, int count, string what)
    {
        if (end - Position < count) throw Error($"{what} needs {count} bytes, {Ends(end)}");
    }

    private string TruncationHint(long end) => end >= Length ? ": truncated file?" : "";

    /// <summary>"the file ends at byte N: truncated file?" or "its enclosing message ends at byte N".</summary>
    private string Ends(long end) => end >= Length ? $"the file ends at byte {end}: truncated file?" : $"its enclosing message ends at byte {end}";

    private byte ReadByte()
    {
        if (_bufferPos == _bufferLength) Fill();
        return _buffer[_bufferPos++];
    }

    private void ReadExactly(Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            if (_bufferPos == _bufferLength) Fill();
            int n = Math.Min(destination.Length, _bufferLength - _bufferPos);
            _buffer.AsSpan(_bufferPos, n).CopyTo(destination);
            _bufferPos += n;
            destination = destination[n..];
        }
    }

    /// <summary>Refills the buffer from the current position; callers have checked the bytes exist.</summary>
    private void Fill()
    {
        _bufferStart += _bufferLength;
        _stream.Position = _bufferStart;
        _bufferLength = _stream.Read(_buffer, 0, _buffer.Length);
        _bufferPos = 0;
        if (_bufferLength == 0) throw Error(_bufferStart, "unexpected end of file: truncated file?");
    }
}
