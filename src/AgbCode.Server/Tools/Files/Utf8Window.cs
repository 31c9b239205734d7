namespace AgbCode.Server.Tools.Files;

/// <summary>
/// Cuts a byte range of UTF-8 text on character boundaries, so the SDKs' chunked reads (fixed byte windows, pieces
/// joined as text) rebuild the text exactly: a character that starts inside the window is given whole, and the
/// continuation bytes it leaves for the next window are skipped there.
/// </summary>
public static class Utf8Window
{
    /// <summary>Bytes past the window a read needs to finish the window's last character.</summary>
    public const int Lookahead = 3;

    /// <param name="data">The bytes read from <paramref name="offset"/>: the window plus up to <see cref="Lookahead"/> more.</param>
    public static ReadOnlySpan<byte> Cut(ReadOnlySpan<byte> data, long offset, int window)
    {
        int start = 0;
        if (offset > 0)
            while (start < Lookahead && start < data.Length && IsContinuation(data[start]))
                start++;
        int end = Math.Min(window, data.Length);
        while (end < data.Length && IsContinuation(data[end]))
            end++;
        return start >= end ? [] : data[start..end];
    }

    private static bool IsContinuation(byte b) => (b & 0xC0) == 0x80;
}
