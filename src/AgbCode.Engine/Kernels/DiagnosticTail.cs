using System.Text;

namespace AgbCode.Engine.Kernels;

/// <summary>Drains a driver's diagnostics stream (its original stderr) and keeps the last few KiB for error messages.</summary>
internal sealed class DiagnosticTail
{
    private const int Keep = 4096;
    private readonly object _gate = new();
    private readonly StringBuilder _text = new();

    public DiagnosticTail(Stream stream) => Completion = Task.Run(() => DrainAsync(stream));

    public Task Completion { get; }

    public string Text
    {
        get { lock (_gate) return _text.ToString(); }
    }

    private async Task DrainAsync(Stream stream)
    {
        var decoder = new UTF8Encoding(false).GetDecoder();
        byte[] bytes = new byte[8192];
        char[] chars = new char[8192 + 4];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(bytes).ConfigureAwait(false)) > 0)
            {
                int count = decoder.GetChars(bytes, 0, read, chars, 0);
                lock (_gate)
                {
                    _text.Append(chars, 0, count);
                    if (_text.Length > Keep)
                        _text.Remove(0, _text.Length - Keep);
                }
            }
        }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
    }
}
