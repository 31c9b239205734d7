using System.Text.Encodings.Web;
using System.Text.Json;

namespace AgbCode.Core.Results;

/// <summary>
/// JSON representations held as plain .NET data, like the SDK's parsed values: objects as Dictionary&lt;string,
/// object?&gt; (in order), arrays as List&lt;object?&gt;, then string, long, double, bool and null. Plain data, unlike a
/// JsonElement, stays JSON wherever it goes next (PowerShell's ConvertTo-Json, any serializer).
/// </summary>
public static class JsonData
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static object? From(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => value.EnumerateObject().Aggregate(new Dictionary<string, object?>(StringComparer.Ordinal),
            (map, property) => { map[property.Name] = From(property.Value); return map; }),
        JsonValueKind.Array => value.EnumerateArray().Select(From).ToList(),
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out long integer) ? integer : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    public static JsonElement ToElement(object? data) => JsonSerializer.SerializeToElement(data, Compact);

    /// <summary>The data as compact JSON text.</summary>
    public static string Text(object? data) => JsonSerializer.Serialize(data, Compact);
}
