using System.Globalization;

namespace AgbCode.Core.Display;

/// <summary>A size as people read it: bytes, then KiB and MiB with one decimal.</summary>
public static class ByteSize
{
    public static string Of(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB"),
    };
}
