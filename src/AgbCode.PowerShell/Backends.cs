using System.Security;
using AgbCode.Client;
using AgbCode.Core.Errors;
using AgbCode.Core.Sessions;
using AgbCode.Engine;

namespace AgbCode.PowerShell;

/// <summary>
/// Which backend a cmdlet talks to: a remote AGB endpoint when -Endpoint or $env:AGB_ENDPOINT names one (key from
/// -ApiKey, else $env:AGB_API_KEY); otherwise, for root, the embedded local engine (Linux); for another user the local
/// engine service when it lets them in (<see cref="LocalService"/>), else the embedded engine with its weaker isolation.
/// </summary>
internal static class Backends
{
    public static ICodeSpace For(string? endpoint, SecureString? apiKey) => AgbCloudSpace.Open(endpoint, apiKey) ?? Default();

    /// <summary>The backend when no endpoint is named.</summary>
    public static ICodeSpace Default() => Service() ?? Local();

    /// <summary>The local engine service, for a user who is not root and may use it; else null.</summary>
    private static AgbCloudSpace? Service() =>
        OperatingSystem.IsLinux() && !Environment.IsPrivilegedProcess && LocalService.UsableEndpoint() is string service
            ? AgbCloudSpace.Open(service, null)
            : null;

    public static ICodeSpace Local()
    {
        if (!OperatingSystem.IsLinux())
            throw NoLocalEngine(System.Runtime.InteropServices.RuntimeInformation.OSDescription);
        return LocalCodeSpace.Shared;
    }

    /// <summary>
    /// Why a cmdlet without an endpoint fails on Windows or macOS, with the way that works there: the server image on a
    /// container runtime (README, "Windows and macOS"), reached through AGB_ENDPOINT.
    /// </summary>
    internal static AgbException NoLocalEngine(string operatingSystem) =>
        new(AgbErrorKind.Platform, SessionErrors.SandboxUnavailable,
            $"The local engine sandboxes code with bubblewrap, which needs Linux; this is {operatingSystem}, so no endpoint means nowhere to run.",
            "Run the AgbCode server image on Docker, Podman or Kubernetes (README, \"Windows and macOS\"), then set $env:AGB_ENDPOINT " +
            "to its address and $env:AGB_API_KEY to its key (or pass -Endpoint and -ApiKey): every cmdlet works the same against it. " +
            "WSL2 with PowerShell for Linux runs the local engine too.");

    /// <summary>
    /// The backends this process has used: the local engine once started, the service, and every endpoint it has used
    /// for sessions. An endpoint only asked something else (Get-AgbLanguage -Endpoint, perhaps unreachable) is not one:
    /// listing it would make every later Get-AgbSession fail on it.
    /// </summary>
    public static IEnumerable<ICodeSpace> InUse
    {
        get
        {
            if (OperatingSystem.IsLinux() && LocalCodeSpace.IsSharedCreated)
                yield return LocalCodeSpace.Shared;
            // The service's sessions outlive this process: list them even before this process used it.
            AgbCloudSpace? service = Service();
            if (service is not null)
                yield return service;
            foreach (AgbCloudSpace remote in AgbCloudSpace.Opened.Where(space => space.HoldsSessions && space != service))
                yield return remote;
        }
    }
}
