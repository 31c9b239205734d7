using System.Management.Automation;
using System.Security;
using AgbCode.Core.Sessions;

namespace AgbCode.PowerShell.Cmdlets;

/// <summary>
/// A cmdlet that chooses a backend: -Endpoint / -ApiKey, else $env:AGB_ENDPOINT / $env:AGB_API_KEY, else local (the
/// local engine service for a user who is not root, where it is installed).
/// </summary>
public abstract class AgbBackendCmdlet : AgbCmdlet
{
    /// <summary>The AGB API endpoint; else $env:AGB_ENDPOINT; else the local engine.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Endpoint { get; set; }

    /// <summary>The API key for the endpoint; else $env:AGB_API_KEY. Refused over plain http except to this machine.</summary>
    [Parameter]
    public SecureString? ApiKey { get; set; }

    /// <summary>
    /// The backend these parameters (or the environment) name; the local default when none is named, or the in-process
    /// engine with <paramref name="inProcess"/> (unsandboxed sessions are this process's, never the service's).
    /// </summary>
    internal ICodeSpace Backend(bool inProcess = false)
    {
        ICodeSpace space = inProcess ? Client.AgbCloudSpace.Open(Endpoint, ApiKey) ?? Backends.Local() : Backends.For(Endpoint, ApiKey);
        WriteDebug($"Backend: {space.Location}.");
        if (space.Location == "local" && LocalService.TakeFallbackWarning() is string warning)
            WriteWarning(warning);
        return space;
    }
}
