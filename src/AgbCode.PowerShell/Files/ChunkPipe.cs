using System.Collections.Concurrent;

namespace AgbCode.PowerShell.Files;

/// <summary>
/// A bounded in-memory pipe between two threads: one writes an archive, the other reads it, and neither holds more than
/// a few chunks. Either side can fail the pipe, which the other side then sees as an <see cref="IOException"/>.
/// </summary>
internal sealed class ChunkPipe : IDisposable
{
    private const int ChunkBytes = 256 * 1024;
    private const int ChunksInFlight = 16;
    private readonly BlockingCollection<byte[]> _chunks = new(ChunksInFlight);
    private readonly CancellationTokenSource _broken = new();
    private volatile Exception? _failure;

    public ChunkPipe()
    {
        Writer = new WriteEnd(this);
        Reader = new ReadEnd(this);
    }

    public Stream Writer { get; }
    public Stream Reader { get; }

    /// <summary>The writer is done: the reader sees the end of the stream after the last chunk.</summary>
    public void CompleteWriting()
    {
        ((WriteEnd)Writer).FlushPending();
        _chunks.CompleteAdding();
    }

    /// <summary>Breaks the pipe: both ends throw from now on, naming <paramref name="cause"/>.</summary>
    public void Fail(Exception cause)
    {
        _failure ??= cause;
        if (!_broken.IsCancellationRequested)
            _broken.Cancel();
    }

    private PipeBrokenException Broken() => new("The transfer stopped: " + (_failure?.Message ?? "the other side closed."), _failure);

    public void Dispose()
    {
        Fail(new ObjectDisposedException(nameof(ChunkPipe)));
        _chunks.Dispose();
        _broken.Dispose();
    }

    private sealed class WriteEnd(ChunkPipe pipe) : Stream
    {
        private byte[] _pending = new byte[ChunkBytes];
        private int _used;

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                int take = Math.Min(buffer.Length, ChunkBytes - _used);
                buffer[..take].CopyTo(_pending.AsSpan(_used));
                _used += take;
                buffer = buffer[take..];
                if (_used == ChunkBytes)
                    FlushPending();
            }
        }

        public void FlushPending()
        {
            if (_used == 0)
                return;
            byte[] chunk = _used == ChunkBytes ? _pending : _pending[.._used];
            try
            {
                pipe._chunks.Add(chunk, pipe._broken.Token);
            }
            catch (Exception failure) when (failure is OperationCanceledException or InvalidOperationException)
            {
                throw pipe.Broken();
            }
            if (ReferenceEquals(chunk, _pending))
                _pending = new byte[ChunkBytes];
            _used = 0;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer, offset, count);
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush() { }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private sealed class ReadEnd(ChunkPipe pipe) : Stream
    {
        private byte[] _current = [];
        private int _offset;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty)
                return 0;
            while (_offset == _current.Length)
            {
                if (pipe._failure is not null)
                    throw pipe.Broken();
                try
                {
                    if (!pipe._chunks.TryTake(out byte[]? next, Timeout.Infinite, pipe._broken.Token))
                        return 0;   // the writer completed
                    _current = next;
                    _offset = 0;
                }
                catch (OperationCanceledException)
                {
                    throw pipe.Broken();
                }
            }
            int take = Math.Min(buffer.Length, _current.Length - _offset);
            _current.AsSpan(_offset, take).CopyTo(buffer);
            _offset += take;
            return take;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.Run(() => Read(buffer, offset, count), cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            new(Task.Run(() => Read(buffer.Span), cancellationToken));

        public override void Flush() { }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>The other end of a <see cref="ChunkPipe"/> failed or gave up; its own error says why.</summary>
internal sealed class PipeBrokenException(string message, Exception? cause) : IOException(message, cause);
