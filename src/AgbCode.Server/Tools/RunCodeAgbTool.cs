using System.Text.Json.Nodes;
using AgbCode.Core.Languages;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using static AgbCode.Server.Tools.Schema;

namespace AgbCode.Server.Tools;

/// <summary>run_code in the tool table (API and LinkUrl routes): its arguments' refusals stay envelope errors, as before.</summary>
public sealed class RunCodeAgbTool(RunCodeTool tool) : IAgbTool
{
    public string Name => ToolCatalog.RunCode;
    public string Description => "Run code in the session's stateful kernel for its language (python, javascript, java, r) and return " +
                                 "its output, rich results and error.";

    public JsonObject InputSchema
    {
        get
        {
            JsonObject schema = Object(Required("code", "string", "The code to run."),
                Required("language", "string", "python, javascript, java or r (aliases: py, python3, js, node, nodejs)."),
                Optional("timeout_s", "number", "Wall-clock limit in seconds (default 60)."));
            schema["properties"]!["language"]!["enum"] = new JsonArray([.. LanguageRules.All.Select(l => (JsonNode)JsonValue.Create(l.Name))]);
            return schema;
        }
    }

    public async Task<ToolAnswer> CallAsync(ToolCall call) => new(ResultJson.NewFormat(await RunAsync(call)));

    /// <summary>The run itself; the routes answer it with a <see cref="RunCodeAnswer"/>, streamed rather than built as one string.</summary>
    public Task<EnhancedCodeExecutionResult> RunAsync(ToolCall call) =>
        tool.RunAsync(call.Session, tool.ParseArgs(call.Args), call.Route, null, call.Cancellation);
}
