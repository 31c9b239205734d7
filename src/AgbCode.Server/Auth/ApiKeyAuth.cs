using AgbCode.Server.Api;

namespace AgbCode.Server.Auth;

/// <summary>
/// The API routes' authentication: "authorization: Bearer &lt;key&gt;" (a bare key is accepted too), mapped to the key's
/// tenant. The key itself is never logged or stored, only compared by hash. On the local Unix socket the caller's uid is
/// the tenant instead (<see cref="PeerCredentialAuth"/>).
/// </summary>
public static class ApiKeyAuth
{
    private const string TenantItem = "agbcode.tenant";

    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(BodyLimit.Api).AddEndpointFilter(async (context, next) =>
        {
            HttpContext http = context.HttpContext;
            string? tenant = PeerCredentialAuth.PeerUid(http) is uint uid ? PeerCredentialAuth.TenantOf(uid)
                : PresentedKey(http.Request) is { Length: > 0 } key ? http.RequestServices.GetRequiredService<ApiKeyStore>().FindTenant(key)
                : null;
            if (tenant is null)
                throw ApiError.Unauthorized();
            http.Items[TenantItem] = tenant;
            return await next(context);
        });

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
