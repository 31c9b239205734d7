using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgbCode.Server.Api;

/// <summary>Session labels: string keys and values, sent as a JSON object or (as the SDKs do) a JSON string holding one.</summary>
public static class Labels
{
    public const int MaxCount = 50;
    public const int MaxKeyLength = 128;
    public const int MaxValueLength = 512;

    public static IReadOnlyDictionary<string, string> Parse(JsonNode? node, string name)
    {
        JsonObject? labels = JsonBody.ObjectOrJsonString(node, name);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (labels is null)
            return result;
        if (labels.Count > MaxCount)
            throw ApiError.BadParameter($"'{name}' has {labels.Count} labels; at most {MaxCount} are allowed.");
        foreach (var (key, value) in labels)
        {
            if (string.IsNullOrWhiteSpace(key) || key.Length > MaxKeyLength)
                throw ApiError.BadParameter($"A label key in '{name}' is empty or longer than {MaxKeyLength} characters.");
            if (value is not JsonValue text || text.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(text.GetValue<string>())
                || text.GetValue<string>().Length > MaxValueLength)
                throw ApiError.BadParameter($"The label '{key}' in '{name}' must have a non-empty string value of at most {MaxValueLength} characters.");
            result[key] = text.GetValue<string>();
        }
        return result;
    }

    /// <summary>ListSession's filter: the query's labels (a JSON string), none meaning every session.</summary>
    public static IReadOnlyDictionary<string, string> Filter(HttpRequest request) =>
        Parse(request.Query["labels"].FirstOrDefault() is { } labels ? JsonValue.Create(labels) : null, "labels");

    public static bool Match(IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string> filter) =>
        filter.All(f => labels.TryGetValue(f.Key, out string? value) && value == f.Value);
}
