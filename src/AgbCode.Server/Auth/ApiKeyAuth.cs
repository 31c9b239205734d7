using AgbCode.Server.Api;
using AgbCode.Server.Cluster;

namespace AgbCode.Server.Auth;

/// <summary>
/// The API routes' authentication: "authorization: Bearer &lt;key&gt;" (a bare key is accepted too), mapped to the key's
/// tenant. The key itself is never logged or stored, only compared by hash. On the local Unix socket the caller's uid is
/// the tenant instead (<see cref="PeerCredentialAuth"/>); from another instance of a cluster, the tenant that instance
/// forwarded with the peer secret (<see cref="PeerAuth"/>). A call for another instance's session is then forwarded to it.
/// </summary>
public static class ApiKeyAuth
{
    private const string TenantItem = "agbcode.tenant";

    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(BodyLimit.Api).AddEndpointFilter(async (context, next) =>
        {
            HttpContext http = context.HttpContext;
            string? tenant = PeerCredentialAuth.PeerUid(http) is uint uid ? PeerCredentialAuth.TenantOf(uid)
                : Cluster.PeerAuth.ForwardedTenant(http) is string forwarded ? forwarded
                : PresentedKey(http.Request) is { Length: > 0 } key ? http.RequestServices.GetRequiredService<ApiKeyStore>().FindTenant(key)
                : null;
            if (tenant is null)
                throw ApiError.Unauthorized();
            http.Items[TenantItem] = tenant;
            return await next(context);
        }).ForwardToOwner();

    /// <summary>The tenant, on routes with the API key check; null on the others (the session-token routes).</summary>
    public static string? TenantOrNull(HttpContext context) => context.Items[TenantItem] as string;

    /// <summary>The tenant the request's API key belongs to (set by <see cref="RequireApiKey{TBuilder}"/>).</summary>
    public static string Tenant(this HttpContext context) =>
        context.Items[TenantItem] as string ?? throw new InvalidOperationException("The route has no API key check.");

    private static string? PresentedKey(HttpRequest request)
    {
        string? header = request.Headers.Authorization;
        if (string.IsNullOrWhiteSpace(header))
            return null;
        header = header.Trim();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : header;
    }
}
