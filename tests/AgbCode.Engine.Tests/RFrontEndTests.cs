using AgbCode.Core.Sessions;
using AgbCode.Engine.Kernels.Drivers;
using AgbCode.Tests.Shared;

namespace AgbCode.Engine.Tests;

/// <summary>
/// The R driver's capture of R's front end (RFrontEnd), made by its real Prepare on this host's R in a folder of its
/// own: kernels then start R's binary with what the front end would have set, and without a capture through Rscript.
/// </summary>
public sealed class RFrontEndTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("agb-r-front-end-test-").FullName;
    private string DriversDir => Path.Combine(_folder, "drivers");
    private string Capture => Path.Combine(DriversDir, "r", RFrontEnd.FileName);

    public RFrontEndTests()
    {
        string r = Path.Combine(DriversDir, "r");
        Directory.CreateDirectory(r);
        foreach (string source in Directory.GetFiles(RepositoryFiles.PathOf("src/AgbCode.Engine/Resources/drivers/r"), "*.R"))
            File.Copy(source, Path.Combine(r, Path.GetFileName(source)));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The program the supervisor runs for the evaluator and its arguments.</summary>
    private static string[] Evaluator(RDriver driver) =>
        [.. driver.Command("/opt/agbcode/drivers", SessionLimits.Default).SkipWhile(argument => !argument.EndsWith("agb_supervisor.py", StringComparison.Ordinal)).Skip(1)];

    [Fact]
    public void After_prepare_kernels_start_R_s_binary_with_the_front_end_s_variables()
    {
        var driver = new RDriver();
        driver.Prepare(DriversDir);
        IReadOnlyDictionary<string, string> environment = driver.Environment("/home/sandbox", "/tmp");

        Assert.Equal(["/usr/lib/R/bin/exec/R", "--no-echo", "--no-restore", "--vanilla", "--file=/opt/agbcode/drivers/r/agb_r_evaluator.R"], Evaluator(driver));
        Assert.Equal("/usr/lib/R", environment["R_HOME"]);
        Assert.Equal("/usr/share/R/share", environment["R_SHARE_DIR"]);
        Assert.StartsWith("/usr/lib/R/lib:", environment["LD_LIBRARY_PATH"]);
        Assert.Equal("", environment["R_PROFILE_USER"]);   // --vanilla, as the front end passes it on
        Assert.Equal("/home/sandbox", environment["PWD"]);
        Assert.False(environment.ContainsKey("R_SESSION_TMPDIR"));   // R's own, made at each start
        Assert.False(environment.ContainsKey("R_LIBS_USER"));   // R's Renviron, which the binary reads itself
    }

    [Fact]
    public void An_engine_start_takes_up_the_capture_and_takes_it_again_after_an_R_update()
    {
        new RDriver().Prepare(DriversDir);
        var started = new RDriver();

        Assert.False(started.Refresh(DriversDir));   // the same R: nothing to do
        Assert.Equal("/usr/lib/R/bin/exec/R", Evaluator(started)[0]);

        File.SetLastWriteTimeUtc(Capture, new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc));   // older than R's front end now
        Assert.True(new RDriver().Refresh(DriversDir));
        Assert.True(File.GetLastWriteTimeUtc(Capture) > new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
    }

    [Fact]
    public void Without_a_capture_kernels_start_through_Rscript()
    {
        var driver = new RDriver();

        Assert.Equal(["/usr/bin/Rscript", "--vanilla", "/opt/agbcode/drivers/r/agb_r_evaluator.R"], Evaluator(driver));
        Assert.False(driver.Environment("/home/sandbox", "/tmp").ContainsKey("R_HOME"));
    }
}
