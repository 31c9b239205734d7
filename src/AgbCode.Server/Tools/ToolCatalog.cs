using System.Text.Json.Nodes;
using AgbCode.Server.Api;
using AgbCode.Server.Tools.Files;

namespace AgbCode.Server.Tools;

/// <summary>
/// The MCP tools a code session offers — run_code, the AGB file tools, shell and get_metrics — as ListMcpTools and a
/// session's toolList show them, and the one place a tool call is dispatched (API and LinkUrl routes alike).
/// </summary>
public sealed class ToolCatalog
{
    public const string RunCode = "run_code";
    /// <summary>The server every tool names: the SDKs send it as LinkUrl "server" and WebSocket "target" (and fall back to it).</summary>
    public const string Server = "wuying_codespace";

    private readonly Dictionary<string, IAgbTool> _tools;
    private readonly string _json;

    public ToolCatalog(RunCodeTool runCode, FileToolLimits limits, FileChangeTracker changes)
    {
        IAgbTool[] tools =
        [
            new RunCodeAgbTool(runCode),
            new WriteFileTool(limits),
            new ReadFileTool(limits),
            new GetFileInfoTool(),
            new ListDirectoryTool(limits),
            new CreateDirectoryTool(),
            new DeleteFileTool(),
            new MoveFileTool(),
            new EditFileTool(limits),
            new ReadMultipleFilesTool(limits),
            new SearchFilesTool(limits),
            new GetFileChangeTool(limits, changes),
            new ShellTool(limits),
            new GetMetricsTool(),
        ];
        _tools = tools.ToDictionary(t => t.Name, StringComparer.Ordinal);
        _json = new JsonArray([.. tools.Select(t => (JsonNode)new JsonObject
        {
            ["name"] = t.Name,
            ["description"] = t.Description,
            ["inputSchema"] = t.InputSchema,
            ["server"] = Server,
            ["tool"] = t.Name,
        })]).ToJsonString(WireJson.Options);
    }

    public IEnumerable<string> Names => _tools.Keys;

    /// <summary>The tool list as the AGB backend sends it in toolList and ListMcpTools: a JSON string.</summary>
    public string ToolsJson() => _json;

    /// <summary>
    /// Calls the tool and answers its MCP result {isError, content:[{type:"text", text}]}: a tool failure is isError with
    /// its message; an unknown tool, a gone session or a bad run_code request is an envelope error (ApiError).
    /// </summary>
    public async Task<JsonObject> CallAsync(ToolCall call)
    {
        IAgbTool tool = _tools.GetValueOrDefault(call.Tool) ?? throw UnknownTool(call.Tool);
        ToolAnswer answer;
        try
        {
            answer = await tool.CallAsync(call);
        }
        catch (ToolFailure failure)
        {
            answer = new ToolAnswer(failure.Message, IsError: true);
        }
        return ResultJson.ToolResult(answer.Text, answer.IsError);
    }

    /// <summary>
    /// The HTTP answer to a tool call: the envelope around the tool result (under data.result on the LinkUrl route).
    /// run_code's result is written straight to the response, so a large one is not held as strings of strings.
    /// </summary>
    public async Task<IResult> AnswerAsync(ToolCall call, HttpContext context, bool underResult)
    {
        if (_tools.GetValueOrDefault(call.Tool) is RunCodeAgbTool runCode)
            return new RunCodeAnswer(await runCode.RunAsync(call), underResult);
        JsonObject result = await CallAsync(call);
        return Envelope.Ok(context, underResult ? new JsonObject { ["result"] = result } : result);
    }

    public ApiError UnknownTool(string? name) => new(400, "InvalidMcpTool.NotFound",
        $"The tool '{name}' does not exist on this server; it offers {string.Join(", ", _tools.Keys)} (ListMcpTools lists them).");
}
