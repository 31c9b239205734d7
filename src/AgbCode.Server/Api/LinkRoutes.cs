using System.Text.Json.Nodes;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Server.Auth;
using AgbCode.Server.Cluster;
using AgbCode.Server.Config;
using AgbCode.Server.Sessions;
using AgbCode.Server.Tools;

namespace AgbCode.Server.Api;

/// <summary>
/// The LinkUrl route: POST {linkUrl}/callTool with the session's access token (X-Access-Token, or "token" in the body)
/// and args as an object. The tool result comes back under data.result.
/// </summary>
public static class LinkRoutes
{
    public static void Map(IEndpointRouteBuilder app) => app.MapPost("/link/{sessionId}/callTool", CallAsync).WithMetadata(BodyLimit.Link).ForwardToOwner();

    private static async Task<IResult> CallAsync(string sessionId, HttpContext context, SessionRegistry registry, ToolCatalog tools,
        ServerOptions options, ILoggerFactory logs)
    {
        // Authenticated before the body is buffered: by the header, before a byte is read, or else by a "token" within
        // the body's first bytes. An unauthenticated request never costs more than that prefix.
        var body = new RequestBody(context);
        HostedSession session;
        if (AccessTokenAuth.HeaderToken(context.Request) is string headerToken)
            session = AccessTokenAuth.Authorize(registry, sessionId, headerToken);
        else
        {
            await body.ReadAsync(upTo: options.LinkTokenPrefixBytes);
            session = registry.FindByToken(sessionId, BodyToken.Find(body.Bytes, body.Complete))
                ?? throw ApiError.BadAccessToken(sessionId, options.LinkTokenPrefixBytes);
        }
        PeerCredentialAuth.Admit(context, session);
        JsonObject call = await body.ReadObjectAsync();
        string? clientRequestId = JsonBody.OptionalString(call, "requestId");
        if (clientRequestId is not null)
            logs.CreateLogger(typeof(LinkRoutes)).LogDebug("LinkUrl call {ClientRequestId} for session {SessionId}", clientRequestId, session.Id);
        string name = JsonBody.OptionalString(call, "tool") ?? JsonBody.OptionalString(call, "name") ?? throw ApiError.MissingParameter("tool", "callTool body");
        JsonObject args = JsonBody.ObjectOrJsonString(call["args"], "args") ?? [];
        return await tools.AnswerAsync(new ToolCall(name, session, args, "link", context.TraceIdentifier, context.RequestAborted), context, underResult: true);
    }
}
