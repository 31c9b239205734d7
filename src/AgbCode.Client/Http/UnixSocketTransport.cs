using System.Net.Http;
using System.Net.Sockets;
using AgbCode.Core.Errors;

namespace AgbCode.Client.Http;

/// <summary>
/// Endpoints of the form <c>unix:///run/agbcode/engine.sock</c>: the AGB API over HTTP on a local Unix socket, the way
/// the local engine service (an AgbCode server run by root) serves the users of this machine. Every connection, API
/// call and WebSocket alike, goes to the socket whatever host a URL names; the service knows the caller from the kernel
/// (its uid), so no API key is sent.
/// </summary>
public static class UnixSocketTransport
{
    public const string Scheme = "unix";

    /// <summary>What the HTTP requests on the socket are addressed to (loopback: the session token may travel in clear).</summary>
    internal static readonly Uri HttpBase = new("http://localhost/");

    public static bool IsUnix(Uri endpoint) => endpoint.IsAbsoluteUri && endpoint.Scheme == Scheme;

    /// <summary>The endpoint URL for a socket path: unix:// and the absolute path.</summary>
    public static Uri EndpointFor(string socketPath) => new($"{Scheme}://{socketPath}");

    /// <summary>The socket's path in a <c>unix:///path</c> endpoint; refuses a host or a relative path.</summary>
    public static string SocketPath(Uri endpoint)
    {
        string path = endpoint.LocalPath;
        if (!string.IsNullOrEmpty(endpoint.Host) || !path.StartsWith('/') || path.EndsWith('/') || !string.IsNullOrEmpty(endpoint.Query))
            throw new AgbException(AgbErrorKind.BadInput, RemoteErrors.InvalidEndpoint,
                $"'{endpoint.OriginalString}' does not name a local socket: a socket endpoint is unix:// followed by the socket's absolute path.",
                "Pass e.g. unix:///run/agbcode/engine.sock (three slashes: no host, then the path).");
        return path;
    }

    /// <summary>An HTTP handler whose every connection is a new connection to the socket.</summary>
    internal static SocketsHttpHandler Handler(string socketPath) => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        UseProxy = false,
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                throw new HttpRequestException(HttpRequestError.ConnectionError, Explain(socketPath, e));
            }
        },
    };

    private static string Explain(string socketPath, SocketException e) => e.SocketErrorCode switch
    {
        SocketError.AccessDenied =>
            $"permission denied on the socket {socketPath}: only its group may use the local engine service; an admin adds you " +
            $"to that group (for the installed service: usermod -aG {Core.Services.LocalServiceDefaults.Group} YOUR-NAME), then you log in again",
        SocketError.ConnectionRefused => $"nothing listens on {socketPath}: the local engine service has stopped",
        _ when !File.Exists(socketPath) => $"there is no socket {socketPath}: the local engine service is not running",
        _ => $"{socketPath}: {e.Message}",
    };
}
