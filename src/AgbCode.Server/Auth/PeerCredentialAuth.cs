using System.Net.Sockets;
using System.Runtime.InteropServices;
using AgbCode.Server.Api;
using AgbCode.Server.Sessions;
using Microsoft.AspNetCore.Connections.Features;

namespace AgbCode.Server.Auth;

/// <summary>
/// Callers on the local Unix socket are who the kernel says they are (SO_PEERCRED, taken at connect time, so a client
/// cannot claim another uid): each local uid is its own tenant, and an API key sent there is ignored, never a way into
/// another tenant. Sessions of a local uid are reached through the socket by that uid only, never over TCP.
/// </summary>
public static class PeerCredentialAuth
{
    // ':' never appears in an API-key tenant's name (ApiKeySources), so a key's tenant can never be a local user's.
    private const string TenantPrefix = "uid:";
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    /// <summary>The uid of the process that opened this connection when it came through a Unix socket; null over TCP.</summary>
    public static uint? PeerUid(HttpContext context)
    {
        if (context.Features.Get<IConnectionSocketFeature>()?.Socket is not { AddressFamily: AddressFamily.Unix } socket)
            return null;
        Span<byte> ucred = stackalloc byte[12];   // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        if (socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred) != ucred.Length)
            throw new InvalidOperationException("The kernel gave no peer credentials for a Unix socket connection.");
        return MemoryMarshal.Read<uint>(ucred[4..]);
    }

    /// <summary>True when the request came through the local socket (whatever the uid).</summary>
    public static bool IsLocal(HttpContext context) => PeerUid(context) is not null;

    public static string TenantOf(uint uid) => TenantPrefix + uid.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static bool IsLocalTenant(string tenant) => tenant.StartsWith(TenantPrefix, StringComparison.Ordinal);

    /// <summary>
    /// The session-token routes (LinkUrl, WebSocket): a token is only good where its session lives, so a token that
    /// leaked from a local user's session opens nothing over TCP or for another uid, and a TCP tenant's token nothing on
    /// the socket. Refused with the same 401 as a wrong token.
    /// </summary>
    public static HostedSession Admit(HttpContext context, HostedSession session)
    {
        bool allowed = PeerUid(context) is uint uid ? session.Tenant == TenantOf(uid) : !IsLocalTenant(session.Tenant);
        return allowed ? session : throw ApiError.BadAccessToken(session.Id);
    }
}
