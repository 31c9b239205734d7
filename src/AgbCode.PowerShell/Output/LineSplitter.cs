using System.Text;

namespace AgbCode.PowerShell.Output;

/// <summary>
/// Cuts a run's stdout chunks into lines, as PowerShell reads a native command's output: each line without its "\n"
/// (or "\r\n"), however the chunks fall; what follows the last newline comes out when the run ends.
/// </summary>
internal sealed class LineSplitter
{
    private readonly StringBuilder _partial = new();

    public IEnumerable<string> Add(string chunk)
    {
        int start = 0;
        for (int newline = chunk.IndexOf('\n'); newline >= 0; newline = chunk.IndexOf('\n', start))
        {
            _partial.Append(chunk, start, newline - start);
            if (_partial.Length > 0 && _partial[^1] == '\r')
                _partial.Length--;
            yield return _partial.ToString();
            _partial.Clear();
            start = newline + 1;
        }
        _partial.Append(chunk, start, chunk.Length - start);
    }

    /// <summary>The last line when the output did not end with a newline; null when it did.</summary>
    public string? Rest()
    {
        if (_partial.Length == 0)
            return null;
        string rest = _partial.ToString();
        _partial.Clear();
        return rest;
    }
}
