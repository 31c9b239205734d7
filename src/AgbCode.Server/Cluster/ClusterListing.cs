using System.Text.Json.Nodes;
using AgbCode.Server.Api;
using AgbCode.Server.Auth;
using AgbCode.Server.Sessions;

namespace AgbCode.Server.Cluster;

/// <summary>
/// ListSession's sessions: this instance's, and, for a client's request when peers are configured, every answering
/// instance's too, merged into one order (<see cref="ListedSession"/>), so count and paging cover the whole cluster.
/// </summary>
public sealed class ClusterListing(SessionRegistry registry, ClusterOptions cluster, PeerDirectory peers, PeerClient client, ILogger<ClusterListing> logger)
{
    public static IEnumerable<ListedSession> Local(SessionRegistry registry, string tenant, IReadOnlyDictionary<string, string> filter) =>
        registry.List(tenant).Where(s => Labels.Match(s.Labels, filter)).Select(s => new ListedSession(s.CreatedAt.UtcTicks, s.Id));

    public async Task<ListedSession[]> ListAsync(HttpContext context, IReadOnlyDictionary<string, string> filter)
    {
        string tenant = context.Tenant();
        var all = new List<ListedSession>(Local(registry, tenant, filter));
        if (cluster.Enabled && !PeerAuth.FromPeer(context) && !PeerCredentialAuth.IsLocal(context))
        {
            IReadOnlyList<PeerStatus> others = await peers.QueryAsync(tenant, context.RequestAborted);
            string? labels = context.Request.Query["labels"].FirstOrDefault();
            foreach (ListedSession[] theirs in await Task.WhenAll(others.Select(peer => FetchAsync(peer, tenant, labels, context.RequestAborted))))
                all.AddRange(theirs);
        }
        all.Sort();
        return [.. all];
    }

    private async Task<ListedSession[]> FetchAsync(PeerStatus peer, string tenant, string? labels, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(cluster.PeerTimeout);
        string query = labels is null ? "" : "?labels=" + Uri.EscapeDataString(labels);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(peer.BaseUrl, ClusterRoutes.SessionsPath + query));
            PeerAuth.Sign(request, cluster, tenant);
            using HttpResponseMessage response = await client.Http.SendAsync(request, bounded.Token);
            response.EnsureSuccessStatusCode();
            JsonArray sessions = JsonNode.Parse(await response.Content.ReadAsStringAsync(bounded.Token))!["data"]!.AsArray();
            return [.. sessions.Select(s => new ListedSession(s!["createdTicks"]!.GetValue<long>(), s["sessionId"]!.GetValue<string>()))];
        }
        catch (Exception error) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Instance {InstanceId} at {PeerUrl} did not list its sessions ({Error}); ListSession leaves them out",
                peer.InstanceId, peer.BaseUrl, error.Message);
            return [];
        }
    }
}
