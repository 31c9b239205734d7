using System.Net.WebSockets;
using AgbCode.Server.Api;
using AgbCode.Server.Auth;
using AgbCode.Server.Cluster;
using AgbCode.Server.Config;
using AgbCode.Server.Ops;
using AgbCode.Server.Sessions;
using AgbCode.Server.Tools;

namespace AgbCode.Server.Streaming;

/// <summary>The session's wsUrl: a WebSocket upgrade authorized by the session's access token in X-Access-Token.</summary>
public static class StreamRoute
{
    public static void Map(IEndpointRouteBuilder app) => app.Map("/ws/{sessionId}", AcceptAsync).ForwardToOwner();

    private static async Task AcceptAsync(string sessionId, HttpContext context, SessionRegistry registry, RunCodeTool tool, ServerOptions options,
        ServerMetrics metrics, ShutdownCoordinator shutdown, StreamQuotas quotas, ILoggerFactory logs)
    {
        HostedSession session = PeerCredentialAuth.Admit(context, AccessTokenAuth.Authorize(registry, sessionId, AccessTokenAuth.HeaderToken(context.Request)));
        if (!context.WebSockets.IsWebSocketRequest)
            throw ApiError.BadParameter("This is a session's wsUrl: it accepts WebSocket upgrades only (with the session's token in X-Access-Token).");
        if (shutdown.IsStopping)
            throw ApiError.ShuttingDown();
        using IDisposable socketLease = quotas.OpenSocket(session);   // refused before the upgrade: a refused socket costs nothing
        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        ILogger logger = logs.CreateLogger(typeof(StreamConnection));
        logger.LogInformation("WebSocket opened for session {SessionId} of tenant {Tenant}", session.Id, session.Tenant);
        metrics.WebSockets.Inc();
        try
        {
            await new StreamConnection(socket, session, tool, options, metrics, shutdown, quotas, logger).RunAsync(context.RequestAborted);
        }
        finally
        {
            metrics.WebSockets.Dec();
            logger.LogInformation("WebSocket closed for session {SessionId}", session.Id);
        }
    }
}
