using System.Net;
using System.Text.RegularExpressions;
using AgbCode.Server.Api;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AgbCode.Server.Config;

/// <summary>
/// The absolute URLs a session's clients use (linkUrl, wsUrl), built from this instance's base URL: AGBCODE_PUBLIC_URL;
/// else, for a request from one of AGBCODE_TRUSTED_PROXIES, the host and scheme that proxy forwards; else the address
/// Kestrel bound when it is a concrete one. Never the Host header of a client nobody vouches for: a forged one would send
/// the session's token wherever it names. (<see cref="PublicUrlCheck"/> refuses to start where this could not answer.)
/// </summary>
public sealed partial class PublicUrls(ServerOptions options, IServer server)
{
    /// <summary>
    /// The base of session URLs handed out on the local Unix socket: the client sends everything to the socket whatever
    /// the host, and the name keeps its token-over-plain-http check satisfied (loopback).
    /// </summary>
    public const string LocalSocketBase = "http://localhost";

    public string Base(HttpContext context)
    {
        if (Auth.PeerCredentialAuth.IsLocal(context))
            return LocalSocketBase;
        if (options.PublicUrl is Uri configured)
            return configured.AbsoluteUri.TrimEnd('/');
        if (IsTrustedProxy(options, context.Connection.RemoteIpAddress))
            return Forwarded(context.Request);
        return ConcreteAddress(server) ?? throw new ApiError(400, "InvalidParameter",
            "This server builds session URLs only from AGBCODE_PUBLIC_URL or for requests through its trusted proxies " +
            "(AGBCODE_TRUSTED_PROXIES), and this request came from elsewhere. Connect through the proxy, or ask the operator to set AGBCODE_PUBLIC_URL.");
    }

    public string LinkUrl(HttpContext context, string sessionId) => $"{Base(context)}/link/{sessionId}";

    public string WsUrl(HttpContext context, string sessionId)
    {
        string http = Base(context);
        string ws = http.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "wss://" + http[8..] : "ws://" + http[7..];
        return $"{ws}/ws/{sessionId}";
    }

    /// <summary>The first bound address that is not a wildcard, as scheme://host:port; null when there is none.</summary>
    public static string? ConcreteAddress(IServer server) => BoundAddresses(server)
        .FirstOrDefault(u => !IsWildcard(u.Host))?.GetLeftPart(UriPartial.Authority);

    /// <summary>The TCP addresses Kestrel bound (a Unix socket, http://unix:/path, is no address a URL could name).</summary>
    public static IEnumerable<Uri> BoundAddresses(IServer server) =>
        (server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        .Where(a => !a.Contains("://unix:", StringComparison.OrdinalIgnoreCase))
        .Select(a => Uri.TryCreate(a.Replace("://+", "://0.0.0.0").Replace("://*", "://0.0.0.0"), UriKind.Absolute, out Uri? uri) ? uri : null)
        .OfType<Uri>();

    public static bool IsLoopback(Uri address) =>
        address.IsLoopback || (IPAddress.TryParse(address.Host.Trim('[', ']'), out IPAddress? ip) && IPAddress.IsLoopback(ip));

    private static bool IsWildcard(string host) => host is "0.0.0.0" or "[::]" or "::";

    private static bool IsTrustedProxy(ServerOptions options, IPAddress? remote)
    {
        if (remote is null || options.TrustedProxies.Count == 0)
            return false;
        IPAddress address = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        return options.TrustedProxies.Any(address.Equals);
    }

    /// <summary>X-Forwarded-Proto and X-Forwarded-Host (the first, client-side entry of each), else what the proxy connected with.</summary>
    private static string Forwarded(HttpRequest request)
    {
        string? proto = First(request.Headers["X-Forwarded-Proto"]);
        string scheme = proto is "http" or "https" ? proto : request.Scheme;
        string host = First(request.Headers["X-Forwarded-Host"]) ?? request.Host.Value ?? "";
        if (!HostPattern().IsMatch(host))
            throw ApiError.BadParameter("The trusted proxy forwarded a host that is not a host name or address with an optional port.");
        return $"{scheme}://{host}";
    }

    private static string? First(Microsoft.Extensions.Primitives.StringValues values) =>
        values.Count == 0 ? null : values[0]?.Split(',')[0].Trim() is { Length: > 0 } first ? first : null;

    [GeneratedRegex(@"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$")]
    private static partial Regex HostPattern();
}
