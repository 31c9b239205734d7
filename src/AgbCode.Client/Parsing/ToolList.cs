using System.Text.Json;

namespace AgbCode.Client.Parsing;

/// <summary>A tool a session's image offers; <see cref="Server"/> is where <c>run_code</c> is routed (LinkUrl, WebSocket target).</summary>
public sealed record McpTool(string Name, string? Server, string? Description)
{
    /// <summary>The JSON Schema of the tool's arguments, when the list gives one.</summary>
    public JsonElement? InputSchema { get; init; }
}

/// <summary>Reads a session's <c>toolList</c>: a JSON string or an array; name from name|Name, server from server|serverName|Server.</summary>
internal static class ToolList
{
    public static IReadOnlyList<McpTool> Parse(JsonElement? toolList)
    {
        JsonElement? list = toolList is { ValueKind: JsonValueKind.String } text ? Json.TryParse(text.GetString()) : toolList;
        if (list is not { ValueKind: JsonValueKind.Array } array)
            return [];
        return
        [
            .. array.EnumerateArray()
                .Where(item => item.ValueKind == JsonValueKind.Object)
                .Select(item => new McpTool(
                    Json.StrOrNull(Json.GetAny(item, "name", "Name")) ?? "",
                    Json.StrOrNull(Json.GetAny(item, "server", "serverName", "Server")),
                    Json.StrOrNull(Json.GetAny(item, "description", "Description")))
                {
                    InputSchema = Json.GetAny(item, "inputSchema", "InputSchema") is { ValueKind: JsonValueKind.Object } schema ? schema.Clone() : null,
                })
                .Where(tool => tool.Name.Length > 0),
        ];
    }

    /// <summary>The server of the <c>run_code</c> tool, when the list names one.</summary>
    public static string? RunCodeServer(IReadOnlyList<McpTool> tools) =>
        tools.FirstOrDefault(t => t.Name == "run_code" && !string.IsNullOrEmpty(t.Server))?.Server;
}
