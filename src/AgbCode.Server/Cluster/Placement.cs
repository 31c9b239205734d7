using AgbCode.Server.Auth;

namespace AgbCode.Server.Cluster;

/// <summary>
/// Where CreateSession puts a session: on the least-loaded instance (sessions held / AGBCODE_MAX_SESSIONS) that has room
/// for it, in all and for the tenant (AGBCODE_MAX_SESSIONS_PER_TENANT holds on each instance: a per-instance share);
/// this instance on a tie, so an idle cluster makes no needless hop. Instances that do not answer in time are skipped.
/// </summary>
public sealed class Placement(ClusterOptions cluster, PeerDirectory peers)
{
    /// <summary>The peer that should hold the new session, or null for this instance.</summary>
    public async Task<PeerStatus?> ChooseAsync(HttpContext context)
    {
        if (!cluster.Enabled || PeerAuth.FromPeer(context) || PeerCredentialAuth.IsLocal(context))
            return null;
        string tenant = context.Tenant();
        PeerStatus own = ClusterRoutes.Own(context, tenant);
        IReadOnlyList<PeerStatus> others = await peers.QueryAsync(tenant, context.RequestAborted);
        PeerStatus? best = others.Where(p => p.HasRoom)
            .OrderBy(p => p.Load).ThenBy(p => p.InstanceId, StringComparer.Ordinal)
            .FirstOrDefault();
        return best is not null && (!own.HasRoom || best.Load < own.Load) ? best : null;
    }
}
