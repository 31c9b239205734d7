using System.Text.Encodings.Web;
using System.Text.Json;

namespace AgbCode.Server.Api;

/// <summary>
/// How the server writes JSON: compact, and escaping only what JSON requires (quotes, backslashes, control
/// characters), so code and output travel as written instead of as \u0022 sequences. Nothing here is embedded in HTML.
/// </summary>
public static class WireJson
{
    public static JavaScriptEncoder Encoder { get; } = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    public static JsonSerializerOptions Options { get; } = new() { Encoder = Encoder, WriteIndented = false };
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = Encoder, Indented = false };

    /// <summary>A time as the AGB answers carry it: UTC, ISO 8601 with milliseconds.</summary>
    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
}
