using AgbCode.Client.Http;
using AgbCode.Client.Parsing;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;

namespace AgbCode.Client.Routes;

/// <summary>CallMcpTool: <c>POST /mcp</c> with the API key, <c>args</c> as a JSON string (§3.2).</summary>
internal sealed class ApiRoute(AgbApi api, string sessionId, AgbClientOptions options) : HttpRunRoute(options)
{
    public override string Name => "API (POST /mcp)";

    protected override async Task<EnhancedCodeExecutionResult> CallAsync(RunRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ApiResponse response = await api.CallToolAsync(sessionId, "run_code", Args(request), timeout, cancellationToken).ConfigureAwait(false);
        ToolOutput output = ToolOutput.FromCallMcpTool(response.Data);
        if (response.HttpStatus == 200 && response.Success && !output.Failed)
            return RunCodeResultParser.Parse(output.Text, response.RequestId);
        if (!response.Success && response.IsSessionNotFound)
            throw AgbErrors.NotFound(sessionId, api.Transport.EndpointText);
        string message = response.Message.Length > 0 && !response.Success ? response.Message
            : output.Text.Length > 0 ? output.Text
            : response.Message.Length > 0 ? response.Message
            : $"Failed to run code (HTTP {response.HttpStatus})";
        return RunCodeResultParser.Failed(response.RequestId, message);
    }
}
