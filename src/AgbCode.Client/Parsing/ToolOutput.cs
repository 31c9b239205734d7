using System.Text.Json;

namespace AgbCode.Client.Parsing;

/// <summary>What a tool call answered: its text, or why the call failed at the tool layer.</summary>
internal sealed record ToolOutput(bool Failed, string Text)
{
    /// <summary>
    /// The API route's <c>data</c>: <c>{isError, content:[{type, text}]}</c>. The text parts are joined with newlines;
    /// without any, the first image's data.
    /// </summary>
    public static ToolOutput FromCallMcpTool(JsonElement? data)
    {
        JsonElement? obj = Json.ObjectOrEncodedObject(data);
        if (obj is null)
            return new(false, data is JsonElement raw ? Json.Str(raw) : "");
        bool failed = Json.Truthy(Json.Get(obj, "isError"));
        JsonElement[] content = Json.Get(obj, "content") is { ValueKind: JsonValueKind.Array } array ? [.. array.EnumerateArray()] : [];
        string[] texts = [.. content.Where(c => Json.String(Json.Get(c, "type")) == "text").Select(c => Json.StrOrNull(Json.Get(c, "text")) ?? "")];
        string text = texts.Length > 0
            ? string.Join("\n", texts)
            : content.Where(c => Json.String(Json.Get(c, "type")) == "image").Select(c => Json.StrOrNull(Json.Get(c, "data"))).FirstOrDefault() ?? "";
        return new(failed, text);
    }

    /// <summary>
    /// The LinkUrl route's body: <c>data</c> (an object or a JSON string) holding <c>result: {isError, content}</c>;
    /// the text is <c>content[0]</c> (a string, or its text, blob or data). A body of another shape is a failure that
    /// says what is missing.
    /// </summary>
    public static ToolOutput FromLinkUrl(JsonElement body)
    {
        if (Json.Get(body, "data") is not JsonElement data)
            return new(true, "No data field in LinkUrl response");
        if (Json.Get(Json.ObjectOrEncodedObject(data), "result") is not { ValueKind: JsonValueKind.Object } result)
            return new(true, "No result field in LinkUrl response data");
        string text = "";
        if (Json.Get(result, "content") is { ValueKind: JsonValueKind.Array } content && content.GetArrayLength() > 0)
        {
            JsonElement first = content[0];
            text = first.ValueKind == JsonValueKind.String
                ? first.GetString()!
                : Json.StrOrNull(Json.GetAny(first, "text", "blob", "data")) ?? "";
        }
        return new(Json.Truthy(Json.Get(result, "isError")), text);
    }
}
