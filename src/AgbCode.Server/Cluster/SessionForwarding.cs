using AgbCode.Server.Api;
using AgbCode.Server.Auth;
using AgbCode.Server.Config;

namespace AgbCode.Server.Cluster;

/// <summary>
/// The endpoint filter that sends a call for another instance's session to that instance: every API-key route that names
/// a session (in the body's or the query's sessionId), the LinkUrl route and the wsUrl (by the path's session id). The
/// owner answers as if called directly. Calls that came from a peer, and calls on the local socket, are answered here.
/// </summary>
public static class SessionForwarding
{
    public static TBuilder ForwardToOwner<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            HttpContext http = context.HttpContext;
            IServiceProvider services = http.RequestServices;
            if (!services.GetRequiredService<ClusterOptions>().Enabled || PeerCredentialAuth.IsLocal(http) || PeerAuth.FromPeer(http))
                return await next(context);
            (string? sessionId, byte[]? body) = await SessionIdAsync(http);
            string? owner = SessionOwner.InstanceOf(sessionId);
            if (owner is null || owner == services.GetRequiredService<ServerOptions>().InstanceId)
                return await next(context);

            Uri? instance = await services.GetRequiredService<PeerDirectory>().LocateAsync(owner, http.RequestAborted);
            bool answered = instance is not null && (http.WebSockets.IsWebSocketRequest
                ? await services.GetRequiredService<WebSocketRelay>().RelayAsync(http, instance, sessionId!)
                : await services.GetRequiredService<Forwarder>().ForwardAsync(http, instance, body, ApiKeyAuth.TenantOrNull(http)));
            if (!answered)
            {
                services.GetRequiredService<PeerDirectory>().Forget(owner);
                throw SessionOwner.Gone(sessionId!, owner);
            }
            return Results.Empty;
        });

    /// <summary>
    /// The session the request names: the route's {sessionId}, else the body's sessionId, else the query's (as the
    /// routes read it). A body read to find it is put back for the route, and returned for forwarding.
    /// </summary>
    private static async Task<(string?, byte[]?)> SessionIdAsync(HttpContext context)
    {
        if (context.GetRouteValue("sessionId") is string fromPath)
            return (fromPath, null);
        byte[]? body = null;
        string? fromBody = null;
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            var reader = new RequestBody(context);
            await reader.ReadAsync();
            body = reader.Bytes.ToArray();
            context.Request.Body = new MemoryStream(body, writable: false);
            try
            {
                fromBody = JsonBody.ParseObject(body, "The request body")["sessionId"] is System.Text.Json.Nodes.JsonValue value
                           && value.TryGetValue(out string? id) ? id : null;
            }
            catch (ApiError)
            {
                // not JSON: the route itself refuses it with its own message
            }
        }
        return (fromBody?.Trim() ?? context.Request.Query["sessionId"].FirstOrDefault()?.Trim(), body);
    }
}
