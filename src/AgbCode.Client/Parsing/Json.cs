using System.Text.Json;

namespace AgbCode.Client.Parsing;

/// <summary>JSON reading with the AGB SDK's (Python) notions of truthiness and str().</summary>
internal static class Json
{
    /// <summary>Python truthiness: null, false, 0, "", [] and {} are false.</summary>
    public static bool Truthy(JsonElement? value) => value is JsonElement v && v.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.False => false,
        JsonValueKind.String => v.GetString()!.Length > 0,
        JsonValueKind.Number => v.GetDouble() != 0,
        JsonValueKind.Array => v.GetArrayLength() > 0,
        JsonValueKind.Object => v.EnumerateObject().Any(),
        _ => true,
    };

    /// <summary>The property when <paramref name="obj"/> is an object that has it (and it is not null).</summary>
    public static JsonElement? Get(JsonElement? obj, string name) =>
        obj is JsonElement o && o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out JsonElement value)
            && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    /// <summary>The first of several spellings that is present.</summary>
    public static JsonElement? GetAny(JsonElement? obj, params string[] names)
    {
        foreach (string name in names)
            if (Get(obj, name) is JsonElement value)
                return value;
        return null;
    }

    /// <summary>Python's <c>a or b or c</c> over properties: the first truthy one.</summary>
    public static JsonElement? FirstTruthy(JsonElement obj, params string[] names)
    {
        foreach (string name in names)
            if (Get(obj, name) is JsonElement value && Truthy(value))
                return value;
        return null;
    }

    public static bool Has(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out _);

    public static string? String(JsonElement? value) => value is JsonElement v && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Python str(): a string as is, anything else as its JSON text.</summary>
    public static string Str(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    public static string? StrOrNull(JsonElement? value) => value is JsonElement v ? Str(v) : null;

    public static bool IsObject(JsonElement? value) => value is JsonElement v && v.ValueKind == JsonValueKind.Object;

    /// <summary>Parses JSON text, or returns null when it is not JSON.</summary>
    public static JsonElement? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>An object, or a string that holds one (the AGB API double-encodes freely).</summary>
    public static JsonElement? ObjectOrEncodedObject(JsonElement? value)
    {
        if (IsObject(value))
            return value;
        return String(value) is string text && TryParse(text) is JsonElement parsed && parsed.ValueKind == JsonValueKind.Object ? parsed : null;
    }

    /// <summary>A list of strings: a JSON array (non-strings as their JSON text), a lone string as one item, else empty.</summary>
    public static List<string> Strings(JsonElement? value) => value switch
    {
        JsonElement { ValueKind: JsonValueKind.Array } array => [.. array.EnumerateArray().Select(Str)],
        JsonElement { ValueKind: JsonValueKind.String } text => [text.GetString()!],
        _ => [],
    };

    public static int? Int(JsonElement? value) =>
        value is JsonElement { ValueKind: JsonValueKind.Number } n && n.TryGetDouble(out double d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue
            ? (int)d
            : null;

    /// <summary>A whole number of bytes (zero or more); anything else is null.</summary>
    public static long? Bytes(JsonElement? value) =>
        value is JsonElement { ValueKind: JsonValueKind.Number } n && n.TryGetInt64(out long bytes) && bytes >= 0 ? bytes : null;

    /// <summary>A number, or a string holding one (Python float() accepts both); else <paramref name="fallback"/>.</summary>
    public static double Double(JsonElement? value, double fallback = 0) => value switch
    {
        JsonElement { ValueKind: JsonValueKind.Number } n => n.GetDouble(),
        JsonElement { ValueKind: JsonValueKind.String } s when double.TryParse(s.GetString(), System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out double d) => d,
        _ => fallback,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    private static readonly JsonSerializerOptions Options = new()
    {
        // The AGB SDK sends non-ASCII text as is (ensure_ascii=False); escaping it would still be valid JSON but larger.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
