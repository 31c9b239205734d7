using AgbCode.Core.Results;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>
/// A run that fails on a package the image lacks says which package and how an operator adds it, in each language's real
/// kernel; the result of another failure names no package.
/// </summary>
public class MissingPackageTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    [Theory]
    [InlineData("python", "import agb_absent_pkg.sub", "agb_absent_pkg")]
    [InlineData("python", "from agb_absent_pkg import thing", "agb_absent_pkg")]
    [InlineData("r", "library(agbAbsentPkg)", "agbAbsentPkg")]
    [InlineData("r", "agbAbsentPkg::f()", "agbAbsentPkg")]
    [InlineData("javascript", "require('agb-absent-pkg/lib/x')", "agb-absent-pkg")]
    [InlineData("javascript", "require('@agb-absent/pkg')", "@agb-absent/pkg")]
    [InlineData("javascript", "await import('agb-absent-pkg')", "agb-absent-pkg")]
    [InlineData("java", "import org.agbabsent.util.Thing;\nThing.run();", "org.agbabsent.util")]
    public async Task A_missing_package_is_named_with_the_fix(string language, string code, string package)
    {
        EnhancedCodeExecutionResult result = await fixture.Run(language, code, timeoutSec: 90);

        Assert.False(result.Success);
        MissingPackage missing = Assert.IsType<MissingPackage>(result.MissingPackage);
        Assert.Equal(package, missing.Name);
        Assert.Equal(language, missing.Language);
        Assert.Contains($"'{package}'", missing.Fix);
        Assert.Contains("Get-AgbImage", missing.Fix);
        Assert.Contains("ADDING PACKAGES", missing.Fix);
    }

    [Theory]
    [InlineData("python", "raise ValueError('no module here')")]
    [InlineData("javascript", "require('./agb_absent_file.js')")]   // a file of the program's own, not a package
    [InlineData("r", "stop('boom')")]
    [InlineData("java", "int x = \"text\";")]
    public async Task Other_failures_name_no_package(string language, string code)
    {
        EnhancedCodeExecutionResult result = await fixture.Run(language, code, timeoutSec: 90);

        Assert.False(result.Success);
        Assert.Null(result.MissingPackage);
    }
}
