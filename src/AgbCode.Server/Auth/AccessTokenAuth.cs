using AgbCode.Server.Api;
using AgbCode.Server.Sessions;

namespace AgbCode.Server.Auth;

/// <summary>The LinkUrl and WebSocket routes' authentication: the session's own access token in X-Access-Token.</summary>
public static class AccessTokenAuth
{
    public const string Header = "X-Access-Token";

    /// <summary>
    /// The session if the token is its own. A wrong token, a released session and a missing one all get the same 401,
    /// so the answer tells nothing about which sessions exist.
    /// </summary>
    public static HostedSession Authorize(SessionRegistry registry, string? sessionId, string? token) =>
        registry.FindByToken(sessionId, token) ?? throw ApiError.BadAccessToken(sessionId);

    public static string? HeaderToken(HttpRequest request) =>
        request.Headers.TryGetValue(Header, out var values) && values.Count > 0 ? values[0] : null;
}
