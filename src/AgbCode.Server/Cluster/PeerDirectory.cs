using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using AgbCode.Server.Config;

namespace AgbCode.Server.Cluster;

/// <summary>
/// The other instances: AGBCODE_PEERS expanded through DNS, each asked for its status (bounded by AGBCODE_PEER_TIMEOUT_MS,
/// all at once). Remembers which base URL answered for which instance id, so a session id's instance part leads to it.
/// An instance that does not answer is left out of placement and listing; its sessions answer not-found.
/// </summary>
public sealed class PeerDirectory(ClusterOptions cluster, ServerOptions options, PeerClient client, ILogger<PeerDirectory> logger)
{
    public const string StatusPath = "/agbcode/cluster/status";

    private readonly ConcurrentDictionary<string, Uri> _located = new(StringComparer.Ordinal);

    /// <summary>New at every start: tells this instance's own answer apart from another's that claims the same id.</summary>
    public string Nonce { get; } = Auth.Secrets.NewToken();

    /// <summary>The other instances that answered, with the tenant's count on each (null tenant: 0).</summary>
    public async Task<IReadOnlyList<PeerStatus>> QueryAsync(string? tenant, CancellationToken cancellationToken)
    {
        IReadOnlyList<Uri> urls = await ExpandAsync(cancellationToken);
        PeerStatus?[] answers = await Task.WhenAll(urls.Select(url => AskAsync(url, tenant, cancellationToken)));
        var others = new List<PeerStatus>();
        foreach (PeerStatus status in answers.OfType<PeerStatus>())
        {
            if (status.Nonce == Nonce)
                continue;
            if (status.InstanceId == options.InstanceId)
            {
                logger.LogError("The instance at {PeerUrl} has this instance's id {InstanceId}: give every instance its own AGBCODE_INSTANCE_ID; it is ignored",
                    status.BaseUrl, status.InstanceId);
                continue;
            }
            _located[status.InstanceId] = status.BaseUrl;
            others.Add(status);
        }
        return others;
    }

    /// <summary>The base URL of the instance with this id, asking the peers again when it is not known yet; null if none has it.</summary>
    public async Task<Uri?> LocateAsync(string instanceId, CancellationToken cancellationToken)
    {
        if (_located.TryGetValue(instanceId, out Uri? url))
            return url;
        await QueryAsync(null, cancellationToken);
        return _located.GetValueOrDefault(instanceId);
    }

    /// <summary>Forgets where an instance was (it stopped answering there).</summary>
    public void Forget(string instanceId) => _located.TryRemove(instanceId, out _);

    private async Task<PeerStatus?> AskAsync(Uri baseUrl, string? tenant, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(cluster.PeerTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, StatusPath));
            PeerAuth.Sign(request, cluster, tenant);
            using HttpResponseMessage response = await client.Http.SendAsync(request, bounded.Token);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Peer {PeerUrl} answered its status with HTTP {Status}; it is left out", baseUrl, (int)response.StatusCode);
                return null;
            }
            JsonNode? body = JsonNode.Parse(await response.Content.ReadAsStringAsync(bounded.Token));
            return PeerStatus.FromJson(body?["data"], baseUrl);
        }
        catch (Exception error) when (error is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException
                                      && !cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("Peer {PeerUrl} did not answer its status within {TimeoutMs} ms ({Error}); it is left out",
                baseUrl, cluster.PeerTimeout.TotalMilliseconds, error.Message);
            return null;
        }
    }

    /// <summary>Each configured URL, or one URL per address when its name resolves to several (a headless Service).</summary>
    private async Task<IReadOnlyList<Uri>> ExpandAsync(CancellationToken cancellationToken)
    {
        var urls = new List<Uri>();
        foreach (Uri peer in cluster.Peers)
        {
            if (peer.HostNameType != UriHostNameType.Dns)
            {
                urls.Add(peer);
                continue;
            }
            IPAddress[] addresses;
            try
            {
                addresses = await Dns.GetHostAddressesAsync(peer.DnsSafeHost, cancellationToken);
            }
            catch (SocketException error)
            {
                logger.LogWarning("Peer name {PeerHost} does not resolve ({Error}); it is left out", peer.DnsSafeHost, error.Message);
                continue;
            }
            if (addresses.Length <= 1)
                urls.Add(peer);   // keep the name: TLS checks the certificate against it
            else
                urls.AddRange(addresses.Select(address => new UriBuilder(peer) { Host = address.ToString() }.Uri));
        }
        return urls;
    }
}
