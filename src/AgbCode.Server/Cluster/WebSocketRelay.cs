using System.Net.WebSockets;
using AgbCode.Server.Api;
using AgbCode.Server.Auth;
using AgbCode.Server.Ops;
using AgbCode.Server.Streaming;

namespace AgbCode.Server.Cluster;

/// <summary>
/// A wsUrl upgrade for another instance's session: this instance opens the WebSocket to the owner first (with the client's
/// session token and the peer secret; the owner authenticates and applies its quotas), and only then accepts the client's,
/// so a refusal reaches the client as the owner's HTTP answer. Frames then pass both ways as they come, fragment by
/// fragment (nothing is held beyond one buffer), until either side closes; the other side then has as long to answer that
/// close as a client of this instance's own streams has (a side that never answers would otherwise hold the relay).
/// </summary>
public sealed class WebSocketRelay(ClusterOptions cluster, PeerClient client, ServerMetrics metrics, ILogger<WebSocketRelay> logger)
{
    private const int BufferBytes = 64 * 1024;

    /// <summary>False when the owner could not be reached (nothing was answered yet).</summary>
    public async Task<bool> RelayAsync(HttpContext context, Uri instance, string sessionId)
    {
        var target = new UriBuilder(new Uri(instance, context.Request.Path)) { Scheme = instance.Scheme == "https" ? "wss" : "ws" }.Uri;
        using var upstream = new ClientWebSocket();
        upstream.Options.CollectHttpResponseDetails = true;
        upstream.Options.KeepAliveInterval = TimeSpan.FromSeconds(20);
        upstream.Options.SetRequestHeader(PeerAuth.SecretHeader, cluster.Secret);
        if (AccessTokenAuth.HeaderToken(context.Request) is string token)
            upstream.Options.SetRequestHeader(AccessTokenAuth.Header, token);
        try
        {
            await upstream.ConnectAsync(target, client.Http, context.RequestAborted);
        }
        catch (WebSocketException error) when (!context.RequestAborted.IsCancellationRequested)
        {
            int status = (int)upstream.HttpStatusCode;
            if (status == 0)
            {
                logger.LogWarning("Instance at {PeerUrl} did not take a relayed WebSocket: {Error}", instance, error.Message);
                return false;
            }
            throw status == 401 ? ApiError.BadAccessToken(sessionId)
                : new ApiError(status, "UpstreamRefused", $"Instance at {instance} refused the WebSocket for session {sessionId} with HTTP {status}.");
        }
        using WebSocket downstream = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        metrics.RelayedWebSockets.Inc();
        try
        {
            using var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            Task<bool> toOwner = PumpAsync(downstream, upstream, done.Token), toClient = PumpAsync(upstream, downstream, done.Token);
            if (await await Task.WhenAny(toOwner, toClient))
                done.CancelAfter(StreamConnection.CloseAnswerWait);   // the other side's close answer still passes, if it comes
            else
                await done.CancelAsync();
            await Task.WhenAll(toOwner, toClient);
        }
        finally
        {
            metrics.RelayedWebSockets.Dec();
        }
        return true;
    }

    /// <summary>Copies frames until a close (passed on: true) or a failure (the other socket is aborted: false).</summary>
    private static async Task<bool> PumpAsync(WebSocket from, WebSocket to, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[BufferBytes];
        try
        {
            while (true)
            {
                WebSocketReceiveResult received = await from.ReceiveAsync(buffer, cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await to.CloseOutputAsync(received.CloseStatus ?? WebSocketCloseStatus.NormalClosure, received.CloseStatusDescription, cancellationToken);
                    return true;
                }
                await to.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, cancellationToken);
            }
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException)
        {
            to.Abort();   // one side broke: the other learns it at once rather than waiting on a socket no one feeds
            return false;
        }
    }
}
