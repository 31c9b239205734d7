using System.Globalization;
using System.Text;

namespace AgbCode.Engine.Kernels;

internal static class Sizes
{
    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 when bytes % (1L << 30) == 0 => $"{bytes >> 30} GiB",
        >= 1L << 20 when bytes % (1L << 20) == 0 => $"{bytes >> 20} MiB",
        >= 1L << 10 when bytes % (1L << 10) == 0 => $"{bytes >> 10} KiB",
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };

    /// <summary>The longest prefix of <paramref name="text"/> that fits in this many UTF-8 bytes, never splitting a character.</summary>
    public static string Utf8Prefix(string text, long maxBytes)
    {
        long used = 0;
        int index = 0;
        while (index < text.Length)
        {
            int width = char.IsSurrogatePair(text, index) ? 2 : 1;
            int bytes = Encoding.UTF8.GetByteCount(text.AsSpan(index, width));
            if (used + bytes > maxBytes)
                break;
            used += bytes;
            index += width;
        }
        return text[..index];
    }
}
