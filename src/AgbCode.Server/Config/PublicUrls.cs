using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AgbCode.Server.Config;

/// <summary>
/// The absolute URLs a session's clients use (linkUrl, wsUrl), built from this instance's base URL: AGBCODE_PUBLIC_URL,
/// else the address Kestrel bound (when it is a concrete one), else the scheme and host the request came in on.
/// </summary>
public sealed class PublicUrls(ServerOptions options, IServer server)
{
    public string Base(HttpContext context)
    {
        if (options.PublicUrl is Uri configured)
            return configured.AbsoluteUri.TrimEnd('/');
        string? bound = server.Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(a => Uri.TryCreate(a, UriKind.Absolute, out Uri? uri) ? uri : null)
            .FirstOrDefault(u => u is not null && !IsWildcard(u.Host))?.GetLeftPart(UriPartial.Authority);
        return bound ?? $"{context.Request.Scheme}://{context.Request.Host}";
    }

    public string LinkUrl(HttpContext context, string sessionId) => $"{Base(context)}/link/{sessionId}";

    public string WsUrl(HttpContext context, string sessionId)
    {
        string http = Base(context);
        string ws = http.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "wss://" + http[8..] : "ws://" + http[7..];
        return $"{ws}/ws/{sessionId}";
    }

    private static bool IsWildcard(string host) => host is "0.0.0.0" or "[::]" or "::" or "+" or "*";
}
