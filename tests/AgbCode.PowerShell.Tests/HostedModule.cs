using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace AgbCode.PowerShell.Tests;

/// <summary>A runspace with the module imported from the test output folder.</summary>
internal static class HostedModule
{
    public static PowerShellHost Create()
    {
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(Path.Combine(AppContext.BaseDirectory, "AgbCode.psd1"));
        Runspace runspace = RunspaceFactory.CreateRunspace(state);
        runspace.Open();
        return new PowerShellHost(runspace);
    }
}

internal sealed class PowerShellHost(Runspace runspace) : IDisposable
{
    public System.Management.Automation.PowerShell New()
    {
        var shell = System.Management.Automation.PowerShell.Create();
        shell.Runspace = runspace;
        return shell;
    }

    public void Dispose() => runspace.Dispose();
}
