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

    /// <summary>The assignments env(1) makes before it runs R's binary, and the rest of the command.</summary>
    private static (Dictionary<string, string> Imposed, string[] Command) ThroughEnv(string[] evaluator) =>
        (evaluator.Skip(1).TakeWhile(argument => argument.Contains('=') && !argument.StartsWith('-'))
                .Select(argument => argument.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1]),
            [.. evaluator.Skip(1).SkipWhile(argument => argument.Contains('=') && !argument.StartsWith('-'))]);

    [Fact]
    public void After_prepare_kernels_start_R_s_binary_with_the_front_end_s_variables()
    {
        var driver = new RDriver();
        driver.Prepare(DriversDir);
        string[] evaluator = Evaluator(driver);
        var (imposed, command) = ThroughEnv(evaluator);
        IReadOnlyDictionary<string, string> environment = driver.Environment("/home/sandbox", "/tmp");

        Assert.Equal("/usr/bin/env", evaluator[0]);
        Assert.Equal(["/usr/lib/R/bin/exec/R", "--no-echo", "--no-restore", "--vanilla", "--file=/opt/agbcode/drivers/r/agb_r_evaluator.R"], command);
        Assert.Equal("/usr/lib/R", imposed["R_HOME"]);
        Assert.Equal("/usr/share/R/share", imposed["R_SHARE_DIR"]);
        Assert.Equal("", imposed["R_PROFILE_USER"]);   // --vanilla, as the front end passes it on
        Assert.StartsWith("/usr/lib/R/lib:", environment["LD_LIBRARY_PATH"]);   // a session's own replaces it
        Assert.Equal("/home/sandbox", environment["PWD"]);
        Assert.Equal("0", environment["SHLVL"]);
        Assert.DoesNotContain("LD_LIBRARY_PATH", imposed.Keys);
        Assert.DoesNotContain("R_HOME", environment.Keys);
        foreach (string own in new[] { "R_SESSION_TMPDIR", "R_LIBS_USER" })   // R's own at each start; Renviron's, which R reads
            Assert.False(imposed.ContainsKey(own) || environment.ContainsKey(own), own);
    }

    [Fact]
    public void An_engine_start_takes_up_the_capture_and_takes_it_again_after_an_R_update()
    {
        new RDriver().Prepare(DriversDir);
        var started = new RDriver();

        Assert.False(started.Refresh(DriversDir));   // the same R: nothing to do
        Assert.Equal("/usr/lib/R/bin/exec/R", ThroughEnv(Evaluator(started)).Command[0]);

        var longAgo = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        string[] byteCode = Directory.GetFiles(Path.Combine(DriversDir, "r"), "*.Rc");
        Assert.NotEmpty(byteCode);
        foreach (string file in byteCode.Append(Capture))
            File.SetLastWriteTimeUtc(file, longAgo);   // older than R's front end now: as after an R update
        Assert.True(new RDriver().Refresh(DriversDir));
        foreach (string file in byteCode.Append(Capture))   // captured, and compiled by that R, again
            Assert.True(File.GetLastWriteTimeUtc(file) > longAgo.AddYears(1), file);
    }

    [Fact]
    public void Without_a_capture_kernels_start_through_Rscript()
    {
        var driver = new RDriver();

        Assert.Equal(["/usr/bin/Rscript", "--vanilla", "/opt/agbcode/drivers/r/agb_r_evaluator.R"], Evaluator(driver));
        Assert.False(driver.Environment("/home/sandbox", "/tmp").ContainsKey("R_HOME"));
    }
}
