namespace AgbCode.Server.Cluster;

/// <summary>
/// The one HTTP client instances use to talk to each other: connections are pooled, a connection attempt gives up after
/// AGBCODE_PEER_TIMEOUT_MS (a dead peer is found fast), and there is no overall timeout, because a forwarded run lasts as
/// long as its own timeout allows; the caller's cancellation ends it.
/// </summary>
public sealed class PeerClient(ClusterOptions options) : IDisposable
{
    public HttpClient Http { get; } = new(new SocketsHttpHandler
    {
        ConnectTimeout = options.PeerTimeout,
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),   // a peer name that moves to a new address is re-resolved
    })
    { Timeout = Timeout.InfiniteTimeSpan };

    public void Dispose() => Http.Dispose();
}
