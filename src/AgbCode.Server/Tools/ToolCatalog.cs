using System.Text.Json.Nodes;
using AgbCode.Server.Api;
using AgbCode.Core.Languages;

namespace AgbCode.Server.Tools;

/// <summary>The MCP tools a code session offers: run_code, on the server the SDKs name as the WebSocket target.</summary>
public static class ToolCatalog
{
    public const string RunCode = "run_code";
    /// <summary>The run_code tool's server: the SDKs send it as LinkUrl "server" and WebSocket "target" (and fall back to it).</summary>
    public const string Server = "wuying_codespace";

    public static JsonArray Tools() =>
    [
        new JsonObject
        {
            ["name"] = RunCode,
            ["description"] = "Run code in the session's stateful kernel for its language (python, javascript, java, r) and return " +
                              "its output, rich results and error.",
            ["inputSchema"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["code"] = new JsonObject { ["type"] = "string", ["description"] = "The code to run." },
                    ["language"] = new JsonObject
                    {
                        ["type"] = "string",
                        ["description"] = "python, javascript, java or r (aliases: py, python3, js, node, nodejs).",
                        ["enum"] = new JsonArray([.. LanguageRules.All.Select(l => (JsonNode)JsonValue.Create(l.Name))]),
                    },
                    ["timeout_s"] = new JsonObject { ["type"] = "number", ["description"] = "Wall-clock limit in seconds (default 60)." },
                },
                ["required"] = new JsonArray("code", "language"),
            },
            ["server"] = Server,
            ["tool"] = RunCode,
        },
    ];

    /// <summary>The tool list as the AGB backend sends it in toolList and ListMcpTools: a JSON string.</summary>
    public static string ToolsJson() => Tools().ToJsonString(WireJson.Options);
}
