using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgbCode.Core.Results;

/// <summary>
/// JSON representations held as plain .NET data, like the SDK's parsed values: objects as Dictionary&lt;string,
/// object?&gt; (in order), arrays as List&lt;object?&gt;, then string, long, double, bool and null. Plain data, unlike a
/// JsonElement, stays JSON wherever it goes next (PowerShell's ConvertTo-Json, any serializer).
/// </summary>
public static class JsonData
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Converters = { new RealNumbers() } };
    private static readonly JsonSerializerOptions Indented = new(Compact) { WriteIndented = true };

    public static object? From(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => value.EnumerateObject().Aggregate(new Dictionary<string, object?>(StringComparer.Ordinal),
            (map, property) => { map[property.Name] = From(property.Value); return map; }),
        JsonValueKind.Array => value.EnumerateArray().Select(From).ToList(),
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out long integer) ? integer : (object)value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    public static JsonElement ToElement(object? data) => JsonSerializer.SerializeToElement(data, Compact);

    /// <summary>The data as compact JSON text.</summary>
    public static string Text(object? data) => JsonSerializer.Serialize(data, Compact);

    /// <summary>The data as indented JSON in UTF-8, for a file.</summary>
    public static byte[] IndentedUtf8(object? data) => JsonSerializer.SerializeToUtf8Bytes(data, Indented);

    /// <summary>Writes the data where the writer stands (the writer's own encoder applies).</summary>
    public static void Write(Utf8JsonWriter writer, object? data) => JsonSerializer.Serialize(writer, data, Compact);

    /// <summary>
    /// A double holding a whole number is written as the kernel sent it, with ".0": a reader of the JSON (ConvertFrom-Json,
    /// an SDK) then still sees a real number, not an integer.
    /// </summary>
    private sealed class RealNumbers : JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) => WriteReal(writer, value);
    }

    /// <summary>A finite double as a JSON number that reads back as a real: a whole one gets ".0" (21.0, not 21).</summary>
    public static void WriteReal(Utf8JsonWriter writer, double value)
    {
        if (!double.IsFinite(value))
        {
            writer.WriteNumberValue(value);   // refused, as JSON has no such number
            return;
        }
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        writer.WriteRawValue(text.AsSpan().IndexOfAny('.', 'E') < 0 ? text + ".0" : text, skipInputValidation: true);
    }
}
