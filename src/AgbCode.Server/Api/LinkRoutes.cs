using System.Text.Json.Nodes;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Server.Auth;
using AgbCode.Server.Sessions;
using AgbCode.Server.Tools;

namespace AgbCode.Server.Api;

/// <summary>
/// The LinkUrl route: POST {linkUrl}/callTool with the session's access token (X-Access-Token, or "token" in the body)
/// and args as an object. The tool result comes back under data.result.
/// </summary>
public static class LinkRoutes
{
    public static void Map(IEndpointRouteBuilder app) => app.MapPost("/link/{sessionId}/callTool", CallAsync);

    private static async Task<IResult> CallAsync(string sessionId, HttpContext context, SessionRegistry registry, ToolCatalog tools, ILoggerFactory logs)
    {
        JsonObject body = await JsonBody.ReadObjectAsync(context.Request);
        string? token = AccessTokenAuth.HeaderToken(context.Request) ?? JsonBody.OptionalString(body, "token");
        HostedSession session = AccessTokenAuth.Authorize(registry, sessionId, token);
        string? clientRequestId = JsonBody.OptionalString(body, "requestId");
        if (clientRequestId is not null)
            logs.CreateLogger(typeof(LinkRoutes)).LogDebug("LinkUrl call {ClientRequestId} for session {SessionId}", clientRequestId, session.Id);
        string name = JsonBody.OptionalString(body, "tool") ?? JsonBody.OptionalString(body, "name") ?? throw ApiError.MissingParameter("tool", "callTool body");
        JsonObject args = JsonBody.ObjectOrJsonString(body["args"], "args") ?? [];
        JsonObject result = await tools.CallAsync(new ToolCall(name, session, args, "link", context.TraceIdentifier, context.RequestAborted));
        return Envelope.Ok(context, new JsonObject { ["result"] = result });
    }
}
