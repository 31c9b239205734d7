using System.Management.Automation;

namespace AgbCode.PowerShell.Output;

internal static class InteractiveHost
{
    // Progress bars belong to people at a console, not to logs or hosted runspaces.
    public static bool ShowsProgress(PSCmdlet cmdlet) =>
        cmdlet.Host.Name == "ConsoleHost" && !Console.IsOutputRedirected &&
        !Environment.GetCommandLineArgs().Any(a => a.StartsWith("-noni", StringComparison.OrdinalIgnoreCase));
}
