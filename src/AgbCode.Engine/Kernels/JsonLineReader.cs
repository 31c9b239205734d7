using System.Buffers;

namespace AgbCode.Engine.Kernels;

/// <summary>Reads newline-terminated records from a stream, refusing any longer than a limit.</summary>
internal sealed class JsonLineReader(Stream stream, int maxLineBytes)
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
    private int _start;
    private int _end;

    /// <summary>The next line without its newline, or null at end of stream (a last unterminated line is dropped).</summary>
    public async Task<ReadOnlyMemory<byte>?> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        int scanned = _start;
        while (true)
        {
            int newline = Array.IndexOf(_buffer, (byte)'\n', scanned, _end - scanned);
            if (newline >= 0)
            {
                var line = new ReadOnlyMemory<byte>(_buffer, _start, newline - _start);
                _start = newline + 1;
                return line;
            }
            scanned = _end;
            if (_end - _start > maxLineBytes)
                throw new ProtocolViolationException($"a message longer than {maxLineBytes} bytes");
            scanned -= MakeRoom();
            int read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
                return null;
            _end += read;
        }
    }

    // Moves the unread part to the front, growing the buffer when it is full; returns how far data moved.
    // The line returned last is invalidated.
    private int MakeRoom()
    {
        int shift = _start;
        if (shift > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        return shift;
    }
}

/// <summary>A kernel broke the protocol: it is killed, because nothing it says can be trusted any more.</summary>
internal sealed class ProtocolViolationException(string what) : Exception($"The kernel broke the protocol: {what}.");
