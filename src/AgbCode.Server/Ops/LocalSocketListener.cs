using System.Net.Sockets;
using AgbCode.Server.Config;

namespace AgbCode.Server.Ops;

/// <summary>
/// Puts the server on its local Unix socket (<see cref="LocalSocketOptions"/>). Under systemd socket activation the
/// socket is systemd's (its unit sets mode and group) and is taken over as an inherited descriptor. Otherwise Kestrel
/// binds a hidden name beside the path, which <see cref="LocalSocketPublisher"/> gives its group and mode before it
/// renames it onto the path: the socket never appears there with other permissions than the configured ones.
/// </summary>
public static class LocalSocketListener
{
    /// <summary>sd_listen_fds(3): the first descriptor systemd passes.</summary>
    private const int FirstSystemdFd = 3;

    public static void Configure(WebApplicationBuilder builder, LocalSocketOptions socket)
    {
        if (SystemdActivated())
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenHandle(FirstSystemdFd));
            return;
        }
        uint gid = UnixFiles.GroupId(socket.Group) ?? throw new ConfigurationError(
            $"The group '{socket.Group}' of the local socket ({ServerOptions.Prefix}UNIX_SOCKET_GROUP) does not exist. Create it " +
            $"(groupadd --system {socket.Group}) and add the users who may use the service (usermod -aG {socket.Group} NAME), or name another group.");
        RefuseLiveSocket(socket.Path);
        string directory = Path.GetDirectoryName(socket.Path)!;
        if (!Directory.Exists(directory))
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                                 UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        string staging = Path.Combine(directory, $".{Path.GetFileName(socket.Path)}.{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6))}");
        string? urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey);
        // The socket alone unless TCP addresses are configured as well (--urls, ASPNETCORE_URLS): then both.
        builder.WebHost.UseUrls([.. (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), $"http://unix:{staging}"]);
        builder.Services.AddSingleton(new LocalSocketPublisher(socket, staging, gid));
        builder.Services.AddHostedService(services => services.GetRequiredService<LocalSocketPublisher>());
    }

    private static bool SystemdActivated() =>
        Environment.GetEnvironmentVariable("LISTEN_PID") == Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)
        && Environment.GetEnvironmentVariable("LISTEN_FDS") == "1";

    /// <summary>A socket file left by a server that ended is replaced; one a running server answers on is not taken over.</summary>
    private static void RefuseLiveSocket(string path)
    {
        if (!File.Exists(path))
            return;
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            return;   // nobody listens: a stale file
        }
        throw new ConfigurationError($"Another server already listens on {path} ({ServerOptions.Prefix}UNIX_SOCKET). Stop it first, or give this one another path.");
    }
}

/// <summary>Gives the bound socket its group and mode, then publishes it at its path; removes it when the server stops.</summary>
public sealed class LocalSocketPublisher(LocalSocketOptions socket, string staging, uint gid) : IHostedLifecycleService
{
    public string Path => socket.Path;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        UnixFiles.SetGroup(staging, gid);
        File.SetUnixFileMode(staging, socket.Mode);
        File.Move(staging, socket.Path, overwrite: true);   // rename(2): atomic, and the listening socket goes with the name
        return Task.CompletedTask;
    }

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        File.Delete(socket.Path);
        File.Delete(staging);   // when the start failed before the rename
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
