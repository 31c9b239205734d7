using System.Management.Automation;
using AgbCode.PowerShell.Cmdlets;
using AgbCode.Tests.Shared;

namespace AgbCode.PowerShell.Tests;

/// <summary>
/// A cmdlet without an endpoint on Windows or macOS: the error names the system and recommends the server image and
/// AGB_ENDPOINT, pointing at a README section that exists. (The OS check itself is OperatingSystem.IsLinux().)
/// </summary>
public sealed class NoLocalEngineTests
{
    [Theory]
    [InlineData("Microsoft Windows 10.0.22631")]
    [InlineData("Darwin 23.4.0 Darwin Kernel Version 23.4.0")]
    public void The_error_names_the_system_and_recommends_the_image_and_AGB_ENDPOINT(string operatingSystem)
    {
        ErrorRecord record = AgbCmdlet.ToErrorRecord(Backends.NoLocalEngine(operatingSystem), null);

        Assert.Equal("AgbSandboxUnavailable", record.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains($"this is {operatingSystem}", record.ErrorDetails.Message);
        Assert.Contains("$env:AGB_ENDPOINT", record.ErrorDetails.RecommendedAction);
        Assert.Contains("$env:AGB_API_KEY", record.ErrorDetails.RecommendedAction);
        Assert.Contains("server image", record.ErrorDetails.RecommendedAction);
        Assert.Contains("README, \"Windows and macOS\"", record.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void The_README_has_the_section_the_error_points_to()
    {
        string readme = File.ReadAllText(RepositoryFiles.PathOf("README.md"));
        Assert.Matches(@"(?m)^#+ Windows and macOS\s*$", readme);
        Assert.Contains("AGB_ENDPOINT", readme[readme.IndexOf("Windows and macOS", StringComparison.Ordinal)..]);
    }
}
