using AgbCode.Core.Errors;
using AgbCode.Core.Sessions;
using AgbCode.Engine;

namespace AgbCode.PowerShell;

/// <summary>Which backend a cmdlet talks to: the embedded local engine (Linux), or a remote endpoint.</summary>
internal static class Backends
{
    public static ICodeSpace Local()
    {
        if (!OperatingSystem.IsLinux())
            throw new AgbException(AgbErrorKind.Platform, "AgbSandboxUnavailable",
                "The local engine sandboxes code with bubblewrap, which needs Linux.",
                "Use a remote AgbCode server or the AGB cloud (-Endpoint), or run PowerShell on Linux or WSL2.");
        return LocalCodeSpace.Shared;
    }

    /// <summary>The backends this process has created sessions on.</summary>
    public static IEnumerable<ICodeSpace> InUse
    {
        get
        {
            if (OperatingSystem.IsLinux() && LocalCodeSpace.IsSharedCreated)
                yield return LocalCodeSpace.Shared;
        }
    }
}
