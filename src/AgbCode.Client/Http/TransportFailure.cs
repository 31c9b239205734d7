using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;

namespace AgbCode.Client.Http;

/// <summary>Why a connection failed, in words a user can act on.</summary>
internal static class TransportFailure
{
    public static string Describe(Exception e)
    {
        string detail = Innermost(e).Message;
        string kind = e switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => "the host name could not be resolved",
            HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => "the TLS handshake failed",
            _ when Find<AuthenticationException>(e) is not null => "the TLS handshake failed",
            _ when Find<SocketException>(e) is { SocketErrorCode: SocketError.ConnectionRefused } => "the connection was refused",
            _ when Find<SocketException>(e) is { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } => "the host name could not be resolved",
            _ when Find<SocketException>(e) is { SocketErrorCode: SocketError.TimedOut } => "the connection timed out",
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => "the connection failed",
            _ => "the request failed",
        };
        return $"{kind} ({detail})";
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
            e = e.InnerException;
        return e;
    }

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
            if (e is T match)
                return match;
        return null;
    }

    /// <summary>Transport exceptions (as opposed to cancellation or bugs).</summary>
    public static bool IsTransport(Exception e) =>
        e is HttpRequestException or IOException or SocketException or AuthenticationException or System.Net.WebSockets.WebSocketException;
}
