using System.Text.Json;

namespace AgbCode.Engine.Kernels;

/// <summary>
/// One message from a driver (docs/protocol.md): ready, stream, display_data, execute_result, error, truncated, done.
/// Anything malformed is a <see cref="ProtocolViolationException"/>.
/// </summary>
internal sealed class DriverMessage : IDisposable
{
    private readonly JsonDocument _document;

    private DriverMessage(JsonDocument document, string type, string? runId)
    {
        _document = document;
        Type = type;
        RunId = runId;
    }

    public string Type { get; }
    /// <summary>The run the message belongs to; null for output produced between runs.</summary>
    public string? RunId { get; }
    private JsonElement Root => _document.RootElement;

    /// <summary>Deep enough for any JSON a user displays on purpose; drivers keep the JSON they add on their own to 32.</summary>
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 256 };

    public static DriverMessage Parse(ReadOnlyMemory<byte> line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, ParseOptions);
        }
        catch (JsonException failure)
        {
            throw new ProtocolViolationException($"a message that is not JSON ({failure.Message})");
        }
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(DriverProtocol.Field.Type, out JsonElement type) || type.ValueKind != JsonValueKind.String)
        {
            document.Dispose();
            throw new ProtocolViolationException("a message without a type");
        }
        string? runId = root.TryGetProperty(DriverProtocol.Field.Id, out JsonElement id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        return new DriverMessage(document, type.GetString()!, runId);
    }

    public string String(string name)
    {
        if (Root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String)
        {
            try
            {
                return value.GetString()!;
            }
            catch (InvalidOperationException)
            {
                throw new ProtocolViolationException($"'{name}' holds invalid UTF-16 in a {Type} message");
            }
        }
        throw new ProtocolViolationException($"'{name}' missing from a {Type} message");
    }

    public string? OptionalString(string name) =>
        Root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? String(name) : null;

    public long? OptionalInteger(string name) =>
        !Root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number) ? number
        : throw new ProtocolViolationException($"'{name}' is not a whole number in a {Type} message");

    public JsonElement Object(string name) =>
        Root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Object
            ? value
            : throw new ProtocolViolationException($"'{name}' missing from a {Type} message");

    public IReadOnlyList<string> Strings(string name) =>
        Root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText())]
            : [];

    public void Dispose() => _document.Dispose();
}
