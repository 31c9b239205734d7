using System.Text;

namespace AgbCode.Engine.Kernels;

/// <summary>
/// One stream's text, chunk by chunk as it arrived, up to a number of chunks; later chunks are joined into large ones.
/// A driver may send millions of one-character messages, and a string per message would cost the engine far more
/// memory than the text itself.
/// </summary>
internal sealed class CoalescedText
{
    private const int SeparateChunks = 4096;
    private const int JoinedChunkChars = 64 * 1024;
    private readonly List<string> _chunks = [];
    private readonly StringBuilder _joining = new();

    public void Append(string text)
    {
        if (_chunks.Count < SeparateChunks)
        {
            _chunks.Add(text);
            return;
        }
        _joining.Append(text);
        if (_joining.Length >= JoinedChunkChars)
        {
            _chunks.Add(_joining.ToString());
            _joining.Clear();
        }
    }

    public List<string> Chunks() => _joining.Length == 0 ? [.. _chunks] : [.. _chunks, _joining.ToString()];

    /// <summary>The last characters, at most this many.</summary>
    public string Tail(int maxChars)
    {
        int first = _chunks.Count;
        for (long length = _joining.Length; first > 0 && length < maxChars; )
            length += _chunks[--first].Length;
        string all = string.Concat(_chunks.Skip(first)) + _joining;
        return all.Length > maxChars ? all[^maxChars..] : all;
    }
}
