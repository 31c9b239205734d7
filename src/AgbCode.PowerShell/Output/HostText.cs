using System.Management.Automation;
using System.Management.Automation.Host;
using AgbCode.Core.Display;

namespace AgbCode.PowerShell.Output;

/// <summary>
/// Text from a sandbox as the module shows it on a host: inert (<see cref="InertText"/>), with colour only where
/// PowerShell itself would render it. The views in AgbCode.format.ps1xml call <see cref="Inert(string, object, PSHost)"/>.
/// </summary>
public static class HostText
{
    /// <summary>
    /// Whether colour (SGR) reaches this host: $PSStyle.OutputRendering Ansi yes, PlainText no (PowerShell sets it when
    /// NO_COLOR is set or TERM is dumb), Host only when the host's UI supports virtual-terminal sequences.
    /// </summary>
    public static bool ShowsColour(PSHost? host, object? psStyle)
    {
        string? rendering = psStyle is null ? null : PSObject.AsPSObject(psStyle).Properties["OutputRendering"]?.Value?.ToString();
        return rendering switch
        {
            "Ansi" => true,
            "PlainText" => false,
            _ => host?.UI?.SupportsVirtualTerminal == true,
        };
    }

    /// <summary>For format views: <c>[AgbCode.PowerShell.Output.HostText]::Inert($_.Stdout, $PSStyle, $Host)</c>.</summary>
    public static string Inert(string? text, object? psStyle, PSHost? host) => InertText.Of(text, ShowsColour(host, psStyle));

    /// <summary>What a cmdlet writes to its own host: live output, with colour where the host renders it.</summary>
    internal static bool ShowsColour(PSCmdlet cmdlet) =>
        ShowsColour(cmdlet.Host, cmdlet.SessionState.PSVariable.GetValue("PSStyle"));
}
