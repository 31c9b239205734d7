using AgbCode.Client.Http;
using AgbCode.Client.Parsing;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;

namespace AgbCode.Client.Routes;

/// <summary>run_code by CallMcpTool: <c>POST /mcp</c> with the API key, <c>args</c> as a JSON string (§3.2).</summary>
internal sealed class ApiRoute(AgbApi api, string sessionId, AgbClientOptions options) : ToolRunRoute(new ApiToolChannel(api, sessionId), null, options);
