namespace AgbCode.Core.Services;

/// <summary>
/// The local engine service (the AgbCode server run by root on a Unix socket): where it listens and which group may
/// use it, unless configured otherwise. The server, the installer and the module all take these from here.
/// </summary>
public static class LocalServiceDefaults
{
    public const string SocketPath = "/run/agbcode/engine.sock";
    public const string Group = "agbcode";
    /// <summary>The server's setting and the module's override of where the socket is.</summary>
    public const string SocketVariable = "AGBCODE_UNIX_SOCKET";
    /// <summary>What a root user runs in the AgbCode sources to install the service.</summary>
    public const string InstallCommand = "dotnet pwsh -File build.ps1 -Task InstallService";
}
