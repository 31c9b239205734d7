using System.Text;

namespace AgbCode.Engine.Kernels;

/// <summary>
/// One stream's text as a few large chunks: a driver may send millions of one-character messages, and a string per
/// message would cost the engine far more memory than the text itself.
/// </summary>
internal sealed class CoalescedText
{
    private const int ChunkChars = 64 * 1024;
    private readonly List<string> _chunks = [];
    private readonly StringBuilder _tail = new();

    public void Append(string text)
    {
        _tail.Append(text);
        if (_tail.Length >= ChunkChars)
        {
            _chunks.Add(_tail.ToString());
            _tail.Clear();
        }
    }

    public List<string> Chunks() => _tail.Length == 0 ? [.. _chunks] : [.. _chunks, _tail.ToString()];

    /// <summary>The last characters, at most this many.</summary>
    public string Tail(int maxChars)
    {
        string recent = string.Concat(_chunks.TakeLast(2)) + _tail;
        return recent.Length > maxChars ? recent[^maxChars..] : recent;
    }
}
