using AgbCode.Core.Errors;
using AgbCode.Core.Sessions;
using AgbCode.Engine;

namespace AgbCode.PowerShell;

/// <summary>Which backend a cmdlet talks to. Today: the embedded local engine (Linux).</summary>
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
}
