using System.Buffers;

namespace AgbCode.Server.Tools;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> of pooled chunks: it grows by adding a chunk, never by copying what it holds into a
/// twice-as-large array (which would hold a large result twice, and allocate it about twice over, while growing).
/// </summary>
public sealed class ChunkedBuffer : IBufferWriter<byte>, IDisposable
{
    private const int ChunkBytes = 64 * 1024;
    private readonly List<(byte[] Array, int Used)> _chunks = [];

    public long Length { get; private set; }

    /// <summary>The bytes written, chunk by chunk. Each chunk ends where a call to the writer ended.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Segments => _chunks.Select(c => new ReadOnlyMemory<byte>(c.Array, 0, c.Used));

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        int need = Math.Max(sizeHint, 1);
        if (_chunks.Count == 0 || _chunks[^1].Array.Length - _chunks[^1].Used < need)
            _chunks.Add((need > ChunkBytes ? new byte[need] : ArrayPool<byte>.Shared.Rent(ChunkBytes), 0));   // big ones are not kept in the pool
        var (array, used) = _chunks[^1];
        return array.AsMemory(used);
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public void Advance(int count)
    {
        var (array, used) = _chunks[^1];
        _chunks[^1] = (array, used + count);
        Length += count;
    }

    public void Dispose()
    {
        foreach (var (array, _) in _chunks)
        {
            if (array.Length == ChunkBytes)
                ArrayPool<byte>.Shared.Return(array);
        }
        _chunks.Clear();
    }
}
