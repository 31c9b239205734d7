using System.Net;
using AgbCode.Core.Errors;

namespace AgbCode.Client;

/// <summary>
/// Secrets (the API key, a session's access token) travel only over TLS, except to this machine, where plain
/// http/ws is fine because nothing crosses a network.
/// </summary>
internal static class CredentialPolicy
{
    public static bool IsEncrypted(Uri uri) => uri.Scheme is "https" or "wss";

    public static bool IsLoopback(Uri uri)
    {
        if (uri.IsLoopback)
            return true;   // localhost, 127.0.0.0/8, ::1
        string host = uri.IdnHost.Trim('[', ']');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out IPAddress? address) && IPAddress.IsLoopback(address));
    }

    /// <summary>Throws unless a secret may be sent to <paramref name="uri"/>.</summary>
    public static void RequireSafe(Uri uri, string secret, bool allowUnencrypted)
    {
        if (IsEncrypted(uri) || IsLoopback(uri) || allowUnencrypted)
            return;
        throw new AgbException(AgbErrorKind.BadInput, RemoteErrors.InsecureEndpoint,
            $"Refusing to send the {secret} to {Redact.Url(uri)} over unencrypted {uri.Scheme}: anyone on the network could read it.",
            $"Use an https:// endpoint (plain http is only allowed to this machine: localhost, 127.0.0.1, ::1).");
    }
}
