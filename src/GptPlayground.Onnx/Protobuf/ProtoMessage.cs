using System.Buffers;

namespace GptPlayground.Onnx.Protobuf;

/// <summary>
/// A protobuf message assembled field by field and then streamed once.
/// Protobuf prefixes every nested message with its byte length, so a writer must know sizes before
/// it writes; here scalars are encoded at once, while nested messages and large payloads
/// (tensor data, produced by a callback) stay parts whose sizes are summed on demand.
/// A 500 MB model is thus written straight to disk without being built in memory.
/// </summary>
internal sealed class ProtoMessage
{
    // Parts in field order: encoded scalar bytes, nested messages, or streamed payloads.
    private readonly List<object> _parts = [];
    private ArrayBufferWriter<byte>? _scalars;

    private sealed record Nested(int Field, ProtoMessage Message);
    private sealed record Payload(int Field, long Length, Action<Stream> Write);

    /// <summary>The scalar buffer that new scalar fields append to.</summary>
    private ArrayBufferWriter<byte> Scalars
    {
        get
        {
            if (_scalars is null)
            {
                _scalars = new ArrayBufferWriter<byte>();
                _parts.Add(_scalars);
            }
            return _scalars;
        }
    }

    public ProtoMessage Int64(int field, long value) { ProtoWriter.WriteInt64(Scalars, field, value); return this; }

    public ProtoMessage Float(int field, float value) { ProtoWriter.WriteFloat(Scalars, field, value); return this; }

    public ProtoMessage String(int field, string value) { ProtoWriter.WriteString(Scalars, field, value); return this; }

    public ProtoMessage Bytes(int field, ReadOnlySpan<byte> value) { ProtoWriter.WriteBytes(Scalars, field, value); return this; }

    public ProtoMessage PackedInt64(int field, ReadOnlySpan<long> values) { ProtoWriter.WritePackedInt64(Scalars, field, values); return this; }

    /// <summary>Appends a nested message; later changes to it are still written.</summary>
    public ProtoMessage Message(int field, ProtoMessage message)
    {
        _parts.Add(new Nested(field, message));
        _scalars = null;   // scalars after this part go to a new buffer, keeping field order
        return this;
    }

    /// <summary>Appends a bytes field of <paramref name="length"/> bytes that <paramref name="write"/> produces at write time.</summary>
    public ProtoMessage Bytes(int field, long length, Action<Stream> write)
    {
        _parts.Add(new Payload(field, length, write));
        _scalars = null;
        return this;
    }

    /// <summary>Encoded size in bytes (the message's own fields, without an enclosing tag or length).</summary>
    public long Size => _parts.Sum(part => part switch
    {
        ArrayBufferWriter<byte> scalars => scalars.WrittenCount,
        Nested n => FieldSize(n.Field, n.Message.Size),
        Payload p => FieldSize(p.Field, p.Length),
        _ => throw new InvalidOperationException(),
    });

    private static long FieldSize(int field, long length) =>
        ProtoWriter.TagSize(field) + ProtoWriter.VarintSize((ulong)length) + length;

    /// <summary>Writes the message's fields to <paramref name="output"/>.</summary>
    /// <exception cref="InvalidOperationException">A payload callback wrote more or fewer bytes than it declared.</exception>
    public void WriteTo(Stream output)
    {
        var header = new ArrayBufferWriter<byte>(16);
        foreach (var part in _parts)
        {
            switch (part)
            {
                case ArrayBufferWriter<byte> scalars:
                    output.Write(scalars.WrittenSpan);
                    break;
                case Nested n:
                    WriteHeader(output, header, n.Field, n.Message.Size);
                    n.Message.WriteTo(output);
                    break;
                case Payload p:
                    WriteHeader(output, header, p.Field, p.Length);
                    WritePayload(output, p.Length, p.Write);
                    break;
            }
        }
    }

    /// <summary>Runs a payload callback, checking it wrote exactly the bytes its length prefix promised.</summary>
    internal static void WritePayload(Stream output, long length, Action<Stream> write)
    {
        var counted = new CountingStream(output);
        write(counted);
        if (counted.Written != length)
            throw new InvalidOperationException($"a tensor data writer produced {counted.Written} bytes, {length} were declared");
    }

    private static void WriteHeader(Stream output, ArrayBufferWriter<byte> header, int field, long length)
    {
        header.ResetWrittenCount();
        ProtoWriter.WriteTag(header, field, WireType.LengthDelimited);
        ProtoWriter.WriteVarint(header, (ulong)length);
        output.Write(header.WrittenSpan);
    }

    /// <summary>A write-only pass-through that counts bytes.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long Written { get; private set; }
        public override void Write(byte[] buffer, int offset, int count) { inner.Write(buffer, offset, count); Written += count; }
        public override void Write(ReadOnlySpan<byte> buffer) { inner.Write(buffer); Written += buffer.Length; }
        public override void WriteByte(byte value) { inner.WriteByte(value); Written++; }
        public override void Flush() => inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Written; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
