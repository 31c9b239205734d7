using System.Text.Json.Nodes;
using AgbCode.Server.Api;
using AgbCode.Server.Config;
using AgbCode.Server.Ops;
using AgbCode.Server.Sessions;

namespace AgbCode.Server.Cluster;

/// <summary>
/// The routes instances call on each other, with the peer secret only: this instance's status (placement's load), and the
/// forwarded tenant's sessions here (ListSession's merge). Not part of the AGB API; absent when no peers are configured.
/// </summary>
public static class ClusterRoutes
{
    public const string SessionsPath = "/agbcode/cluster/sessions";

    public static void Map(IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<ClusterOptions>().Enabled)
            return;
        app.MapGet(PeerDirectory.StatusPath, Status).AddEndpointFilter(RequirePeer);
        app.MapGet(SessionsPath, Sessions).AddEndpointFilter(RequirePeer);
    }

    /// <summary>This instance's own status, as a peer sees it.</summary>
    public static PeerStatus Own(HttpContext context, string? tenant)
    {
        var registry = context.RequestServices.GetRequiredService<SessionRegistry>();
        var options = context.RequestServices.GetRequiredService<ServerOptions>();
        var (total, ofTenant) = registry.Held(tenant);
        return new PeerStatus(options.InstanceId, context.RequestServices.GetRequiredService<PeerDirectory>().Nonce, new Uri("http://self/"),
            total, options.MaxSessions, ofTenant, options.MaxSessionsPerTenant,
            !context.RequestServices.GetRequiredService<ShutdownCoordinator>().IsStopping);
    }

    private static IResult Status(HttpContext context) => Envelope.Ok(context, Own(context, PeerAuth.ForwardedTenant(context)).ToJson());

    private static IResult Sessions(HttpContext context, SessionRegistry registry)
    {
        string tenant = PeerAuth.ForwardedTenant(context) ?? throw ApiError.MissingParameter(PeerAuth.TenantHeader, "peer request");
        return Envelope.Ok(context, new JsonArray([.. ClusterListing.Local(registry, tenant, Labels.Filter(context.Request))
            .Select(s => (JsonNode)new JsonObject { ["sessionId"] = s.Id, ["createdTicks"] = s.CreatedTicks })]));
    }

    private static async ValueTask<object?> RequirePeer(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        PeerAuth.FromPeer(context.HttpContext) ? await next(context)
            : throw new ApiError(401, "InvalidPeerSecret", $"This route is for the cluster's instances only; they send the peer secret in {PeerAuth.SecretHeader}.");
}
