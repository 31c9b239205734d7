using System.Management.Automation;
using System.Security;
using AgbCode.Core.Sessions;

namespace AgbCode.PowerShell.Cmdlets;

/// <summary>A cmdlet that chooses a backend: -Endpoint / -ApiKey, else $env:AGB_ENDPOINT / $env:AGB_API_KEY, else local.</summary>
public abstract class AgbBackendCmdlet : AgbCmdlet
{
    /// <summary>The AGB API endpoint; else $env:AGB_ENDPOINT; else the local engine.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Endpoint { get; set; }

    /// <summary>The API key for the endpoint; else $env:AGB_API_KEY. Refused over plain http except to this machine.</summary>
    [Parameter]
    public SecureString? ApiKey { get; set; }

    /// <summary>The backend these parameters (or the environment) name; the local engine when none is named.</summary>
    internal ICodeSpace Backend()
    {
        ICodeSpace space = Backends.For(Endpoint, ApiKey);
        WriteDebug($"Backend: {space.Location}.");
        return space;
    }
}
