using System.Text;
using AgbCode.Core.Results;

namespace AgbCode.PowerShell.Saving;

/// <summary>
/// One representation Save-AgbResult can write: its -Format name, its file extension, where a result item holds it,
/// and its file content. Image content must be an image of its type; anything else throws InvalidDataException.
/// </summary>
internal sealed record SavedRepresentation(string Format, string Extension, Func<ExecutionResult, object?> Value, Func<object, byte[]> Bytes)
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] JpegSignature = [0xFF, 0xD8, 0xFF];

    public static readonly IReadOnlyList<SavedRepresentation> All =
    [
        new("Png", ".png", r => r.Png, v => Image((string)v, PngSignature, "PNG")),
        new("Jpeg", ".jpg", r => r.Jpeg, v => Image((string)v, JpegSignature, "JPEG")),
        new("Svg", ".svg", r => r.Svg, Utf8),
        new("Html", ".html", r => r.Html, Utf8),
        new("Markdown", ".md", r => r.Markdown, Utf8),
        new("Latex", ".tex", r => r.Latex, Utf8),
        new("Json", ".json", r => r.Json, Indented),
        new("Chart", ".vl.json", r => r.Chart, Indented),
        new("Text", ".txt", r => r.Text, Utf8),
    ];

    private static byte[] Image(string base64, byte[] signature, string type)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new InvalidDataException("is not valid base64");
        }
        if (!bytes.AsSpan().StartsWith(signature))
            throw new InvalidDataException($"is not a {type} image (it starts with {Convert.ToHexString(bytes, 0, Math.Min(8, bytes.Length))})");
        return bytes;
    }

    private static byte[] Utf8(object text) => Encoding.UTF8.GetBytes((string)text);

    private static byte[] Indented(object json) => JsonData.IndentedUtf8(json);
}
