using System.Net.Sockets;
using AgbCode.Core.Services;

namespace AgbCode.PowerShell;

/// <summary>
/// The local engine service as the module sees it: a user who is not root gets the service's full isolation when its
/// socket ($env:AGBCODE_UNIX_SOCKET, else /run/agbcode/engine.sock) is there and lets them in; otherwise the weakened
/// in-process engine (with cgroup limits where the host delegates cgroup v2 to the user), with one warning per process that
/// says what is missing and the one command that fixes it.
/// </summary>
internal static class LocalService
{
    private static int _warned;
    private static string? _unavailable;

    public static string SocketPath =>
        Environment.GetEnvironmentVariable(LocalServiceDefaults.SocketVariable) is { Length: > 0 } configured ? configured : LocalServiceDefaults.SocketPath;

    /// <summary>The service's endpoint (unix:///path) when this user can connect to it now; else null, with the reason kept for the warning.</summary>
    public static string? UsableEndpoint()
    {
        string path = SocketPath;
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return Client.Http.UnixSocketTransport.EndpointFor(path).OriginalString;
        }
        catch (SocketException e)
        {
            _unavailable = e.SocketErrorCode switch
            {
                SocketError.AccessDenied => $"the local engine service's socket {path} does not let you in: ask an admin to run " +
                                            $"usermod -aG {LocalServiceDefaults.Group} {Environment.UserName} (then log in again)",
                SocketError.ConnectionRefused => $"the local engine service is installed but not running ({path} refuses connections): " +
                                                 "an admin starts it with systemctl start agbcode.socket",
                _ => $"the local engine service is not installed (no socket at {path}): an admin installs it by running, as root, " +
                     $"{LocalServiceDefaults.InstallCommand} in the AgbCode sources",
            };
            return null;
        }
    }

    /// <summary>The warning for a user who falls back to the in-process engine; once per process, then null.</summary>
    public static string? TakeFallbackWarning() =>
        _unavailable is string reason && Interlocked.Exchange(ref _warned, 1) == 0
            ? $"You are not root, so local sessions run in the in-process engine without their own host uid, " +
              (OperatingSystem.IsLinux() && Engine.LocalCodeSpace.HasCgroupLimits ? "" : "memory, CPU and process limits, ") +
              $"disk cap or tmp size limit (see $session.Isolation). For the full isolation, {reason}."
            : null;
}
