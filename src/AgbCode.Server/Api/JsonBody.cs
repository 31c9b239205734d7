using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgbCode.Server.Api;

/// <summary>Reads request bodies and parameters, answering malformed ones with a 400 that says what is wrong.</summary>
public static class JsonBody
{
    /// <summary>The body as a JSON object; an empty body is an empty object.</summary>
    public static Task<JsonObject> ReadObjectAsync(HttpRequest request) => new RequestBody(request.HttpContext).ReadObjectAsync();

    /// <summary>A JSON object from bytes a client sent; <paramref name="what"/> names them in the 400 (e.g. "The request body").</summary>
    public static JsonObject ParseObject(ReadOnlySpan<byte> utf8, string what)
    {
        if (utf8.IsEmpty)
            return [];
        JsonNode? node;
        try
        {
            node = StrictJson.Parse(utf8);
        }
        catch (JsonException error)
        {
            throw ApiError.BadParameter($"{what} is not valid JSON ({error.Message}). Send a JSON object.");
        }
        return node as JsonObject ?? throw ApiError.BadParameter($"{what} must be a JSON object.");
    }

    /// <summary>A string field, or null when absent; any other JSON type is refused.</summary>
    public static string? OptionalString(JsonObject body, string name) => body[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => throw ApiError.BadParameter($"The field '{name}' must be a string."),
    };

    /// <summary>A JSON object sent either as an object or, as the SDKs do, as a JSON string holding one.</summary>
    public static JsonObject? ObjectOrJsonString(JsonNode? node, string name)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject value:
                return value;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                string text = value.GetValue<string>();
                if (string.IsNullOrWhiteSpace(text))
                    return null;
                try
                {
                    return StrictJson.Parse(text) as JsonObject ?? throw ApiError.BadParameter($"'{name}' must hold a JSON object.");
                }
                catch (JsonException error)
                {
                    throw ApiError.BadParameter($"'{name}' is not valid JSON ({error.Message}); it must hold a JSON object.");
                }
            default:
                throw ApiError.BadParameter($"'{name}' must be a JSON object or a string holding one.");
        }
    }

    /// <summary>The sessionId from the body, else from the query string (RefreshSessionIdleTime sends it there).</summary>
    public static string RequiredSessionId(HttpRequest request, JsonObject body)
    {
        string? id = OptionalString(body, "sessionId") ?? (string?)request.Query["sessionId"];
        return string.IsNullOrWhiteSpace(id) ? throw ApiError.MissingParameter("sessionId", "request") : id.Trim();
    }
}
