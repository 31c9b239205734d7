using System.Management.Automation;

namespace AgbCode.PowerShell.Tests;

/// <summary>A run that fails on a missing package: the error record a host and Get-Error show names it and recommends the fix.</summary>
[Collection(ProcessWideSessions.Name)]
public sealed class MissingPackageErrorTests : IDisposable
{
    private readonly PowerShellHost _host = HostedModule.Create();

    [Fact]
    public void The_error_record_names_the_package_and_recommends_Get_AgbImage()
    {
        using var shell = _host.New();
        shell.AddScript("Invoke-AgbCode -Language python -Code 'import agb_absent_pkg' -Quiet");
        shell.Invoke();

        ErrorRecord record = Assert.Single(shell.Streams.Error);
        Assert.Equal("AgbExecutionFailed", record.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("ModuleNotFoundError", record.ErrorDetails.Message);
        Assert.Contains("no Python package 'agb_absent_pkg'", record.ErrorDetails.RecommendedAction);
        Assert.DoesNotContain("Get-AgbImage", record.ErrorDetails.Message);   // shown once, as the recommendation
        Assert.Contains("Get-AgbImage", record.ErrorDetails.RecommendedAction);
        Assert.Contains("ADDING PACKAGES", record.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void Another_failure_recommends_nothing()
    {
        using var shell = _host.New();
        shell.AddScript("Invoke-AgbCode -Language python -Code '1/0' -Quiet");
        shell.Invoke();

        Assert.Empty(Assert.Single(shell.Streams.Error).ErrorDetails.RecommendedAction ?? "");
    }

    public void Dispose() => _host.Dispose();
}
