using System.Buffers.Binary;

namespace AgbCode.Engine.Files;

/// <summary>
/// A write-only stream that sends what is written to the file helper as frames: a 4-byte big-endian length, then the
/// bytes. <see cref="EndAsync"/> sends the length-0 frame that ends an operation's data.
/// </summary>
internal sealed class FrameStream(Stream pipe) : Stream
{
    private const int SmallFrame = 64 * 1024;
    private const int CopyFrame = 1024 * 1024;

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

    /// <summary>
    /// Sends a stream to its end in frames of up to 1 MiB, each read behind a 4-byte gap that takes its header, so that a
    /// frame is one write to the pipe (fewer, larger frames for the helper to splice).
    /// </summary>
    public async Task CopyFromAsync(Stream from, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[4 + CopyFrame];
        long total = 0;
        int count;
        while ((count = await from.ReadAtLeastAsync(buffer.AsMemory(4), CopyFrame, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false)) > 0)
        {
            BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)count);
            await pipe.WriteAsync(buffer.AsMemory(0, 4 + count), cancellationToken).ConfigureAwait(false);
            total += count;
            progress?.Report(total);
        }
        await pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

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
