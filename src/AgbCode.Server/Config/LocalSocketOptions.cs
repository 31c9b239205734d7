
namespace AgbCode.Server.Config;

/// <summary>
/// The local engine service's Unix socket: AGBCODE_UNIX_SOCKET (its path; unset: no socket), AGBCODE_UNIX_SOCKET_MODE
/// (octal, default 0660) and AGBCODE_UNIX_SOCKET_GROUP (default agbcode): who may connect is decided by the socket
/// file's permissions; who a caller is, by the kernel's peer credentials (docs/server.md, "The local engine service").
/// </summary>
public sealed record LocalSocketOptions(string Path, UnixFileMode Mode, string Group)
{
    /// <summary>Where the installed service listens, and where the module looks for it.</summary>
    public const string DefaultPath = Core.Services.LocalServiceDefaults.SocketPath;
    public const string DefaultGroup = Core.Services.LocalServiceDefaults.Group;
    public const UnixFileMode DefaultMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;

    /// <summary>The socket's settings, or null when AGBCODE_UNIX_SOCKET is not set.</summary>
    public static LocalSocketOptions? From(IConfiguration config)
    {
        string? path = Setting(config, "UNIX_SOCKET");
        if (path is null)
            return null;
        if (!System.IO.Path.IsPathFullyQualified(path) || path.EndsWith('/'))
            throw new ConfigurationError($"{ServerOptions.Prefix}UNIX_SOCKET must be an absolute file path, e.g. {DefaultPath}; got '{path}'.");
        if (System.Text.Encoding.UTF8.GetByteCount(path) > 100)
            throw new ConfigurationError($"{ServerOptions.Prefix}UNIX_SOCKET '{path}' is longer than a Unix socket address may be (100 bytes here); choose a shorter path.");
        return new LocalSocketOptions(path, ParseMode(Setting(config, "UNIX_SOCKET_MODE")), Setting(config, "UNIX_SOCKET_GROUP") ?? DefaultGroup);
    }

    private static UnixFileMode ParseMode(string? raw)
    {
        if (raw is null)
            return DefaultMode;
        const int allowed = 0b110_110_110;   // read and write bits only: execute and the special bits mean nothing on a socket
        try
        {
            int mode = Convert.ToInt32(raw, 8);
            if (mode is >= 0 && (mode & ~allowed) == 0 && (mode & 0b110_000_000) == 0b110_000_000)
                return (UnixFileMode)mode;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException) { }
        throw new ConfigurationError($"{ServerOptions.Prefix}UNIX_SOCKET_MODE is the socket file's octal mode with read and write bits only, " +
                                     $"the owner's both set, e.g. 0660 (owner and group) or 0666 (every local user); got '{raw}'.");
    }

    private static string? Setting(IConfiguration config, string name) =>
        config[ServerOptions.Prefix + name] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
