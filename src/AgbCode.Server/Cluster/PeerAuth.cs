using System.Text.RegularExpressions;
using AgbCode.Server.Api;
using AgbCode.Server.Auth;

namespace AgbCode.Server.Cluster;

/// <summary>
/// How a request from another instance is recognised: it carries the shared peer secret, and, on API-key routes, the
/// tenant the forwarding instance authenticated. The tenant header means nothing without the secret: a request that names
/// a tenant with a wrong or missing secret is refused, never served as that tenant.
/// </summary>
public static partial class PeerAuth
{
    public const string SecretHeader = "X-AgbCode-Peer-Secret";
    public const string TenantHeader = "X-AgbCode-Tenant";
    private const string FromPeerItem = "agbcode.from-peer";

    /// <summary>True when the request came from a peer (and is therefore answered here, never forwarded again).</summary>
    public static bool FromPeer(HttpContext context)
    {
        if (context.Items.TryGetValue(FromPeerItem, out object? known))
            return (bool)known!;
        bool fromPeer = context.Request.Headers.TryGetValue(SecretHeader, out var presented)
                        && context.RequestServices.GetRequiredService<ClusterOptions>() is { Enabled: true } cluster
                        && Secrets.Matches(presented.ToString(), cluster.SecretHash);
        if (context.Request.Headers.ContainsKey(SecretHeader) && !fromPeer)
            throw new ApiError(401, "InvalidPeerSecret", $"The request carries {SecretHeader}, but not this cluster's peer secret. " +
                                                         "Give every instance the same AGBCODE_PEER_SECRET.");
        context.Items[FromPeerItem] = fromPeer;
        return fromPeer;
    }

    /// <summary>The tenant a peer forwarded, or null when the request is not a peer's or names none (then the API key decides).</summary>
    public static string? ForwardedTenant(HttpContext context)
    {
        if (!FromPeer(context))
            return context.Request.Headers.ContainsKey(TenantHeader)
                ? throw new ApiError(401, "InvalidPeerSecret", $"{TenantHeader} is only accepted from another instance of this cluster, with its peer secret.")
                : null;
        if (!context.Request.Headers.TryGetValue(TenantHeader, out var header))
            return null;
        string tenant = header.ToString();
        return TenantPattern().IsMatch(tenant) ? tenant
            : throw ApiError.BadParameter($"A peer forwarded the tenant '{tenant}', which is not a tenant name.");
    }

    /// <summary>Adds the peer headers to a request this instance sends to another.</summary>
    public static void Sign(HttpRequestMessage request, ClusterOptions cluster, string? tenant)
    {
        request.Headers.TryAddWithoutValidation(SecretHeader, cluster.Secret);
        if (tenant is not null)
            request.Headers.TryAddWithoutValidation(TenantHeader, tenant);
    }

    // an API-key tenant's name (ApiKeySources); local socket users are never forwarded (their sessions stay on their host)
    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex TenantPattern();
}
