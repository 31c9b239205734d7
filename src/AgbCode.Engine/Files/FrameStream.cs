using System.Buffers.Binary;

namespace AgbCode.Engine.Files;

/// <summary>
/// A write-only stream that sends what is written to the file helper as frames: a 4-byte big-endian length, then the
/// bytes. <see cref="EndAsync"/> sends the length-0 frame that ends an operation's data.
/// </summary>
internal sealed class FrameStream(Stream pipe) : Stream
{
    private const int SmallFrame = 64 * 1024;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
            return;   // a length-0 frame would end the data
        if (buffer.Length <= SmallFrame)   // one write for the header and a small payload
        {
            byte[] frame = new byte[4 + buffer.Length];
            BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)buffer.Length);
            buffer.CopyTo(frame.AsMemory(4));
            await pipe.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await pipe.WriteAsync(Header(buffer.Length), cancellationToken).ConfigureAwait(false);
            await pipe.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        await pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Ends the operation's data.</summary>
    public async Task EndAsync(CancellationToken cancellationToken)
    {
        await pipe.WriteAsync(Header(0), cancellationToken).ConfigureAwait(false);
        await pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static byte[] Header(int length)
    {
        byte[] header = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)length);
        return header;
    }

    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
