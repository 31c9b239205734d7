using System.Text.Json.Nodes;
using AgbCode.Core.Results;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>Faults from outside the code: a kernel killed mid-run, the host's workspace volume filling up.</summary>
public class FaultTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    [Fact]
    public async Task A_kernel_killed_mid_run_is_reported_and_the_next_run_gets_a_fresh_one()
    {
        await fixture.Python("before_kill = 1");
        var log = new EventLog();
        Task<EnhancedCodeExecutionResult> run = fixture.Python("print('working', flush=True)\nimport time\ntime.sleep(60)", observer: log);
        await log.WaitForAsync("stdout");
        int driver = HostLeaks.ProcessesOf(fixture.Session.Uid!.Value)
            .Single(pid => File.ReadAllText($"/proc/{pid}/comm").Trim() == "python3");

        System.Diagnostics.Process.GetProcessById(driver).Kill();
        EnhancedCodeExecutionResult killed = await run.WaitAsync(TimeSpan.FromSeconds(10));
        EnhancedCodeExecutionResult next = await fixture.Python("'before_kill' in globals()");

        Assert.Equal("KernelDiedError", killed.Error!.Name);
        Assert.Contains("signal 9", killed.Error.Value);
        Assert.Equal("working\n", killed.Stdout);
        Assert.True(next.KernelRestarted);
        Assert.Equal("False", next.Text);
    }

    [Fact]
    public async Task A_full_host_volume_fails_writes_and_new_sessions_clearly_and_spares_other_sessions_data()
    {
        string image = Path.Combine(Path.GetTempPath(), $"agbcode-small-{Guid.NewGuid():N}.img");
        string volume = image[..^4];
        Directory.CreateDirectory(volume);
        Platform.HostCommand.Run("/usr/bin/truncate", "-s", "48M", image);
        Platform.HostCommand.Run(Sandbox.Tools.MkfsExt4, "-q", "-F", "-m", "0", image);
        await Platform.VolumeMounts.MountImageAsync(image, volume, "small-host-volume");
        try
        {
            // no free-space reserve (DiskReserveTests covers it): this is what happens when the volume fills all the same
            using EngineProcess engine = EngineProcess.Start(environment: new Dictionary<string, string>
            {
                ["AGBCODE_WORKSPACE_DIR"] = volume,
                [Platform.DiskReserve.Variable] = "0",
            });
            var small = new { DiskBytes = 64L << 20 };
            string filler = (string)engine.Send(new { op = "create", limits = small })["id"]!;
            string keeper = (string)engine.Send(new { op = "create", limits = small })["id"]!;
            Run(engine, keeper, "open('keep.txt', 'w').write('precious ' * 1000)");

            JsonNode fill = Run(engine, filler, """
                import errno
                try:
                    with open('big.bin', 'wb') as f:
                        for _ in range(80):
                            f.write(b'x' * (1 << 20)); f.flush()
                    import os; os.fsync(f.fileno())
                    print('wrote everything')
                except OSError as e:
                    print('failed:', errno.errorcode[e.errno])
                """);
            JsonNode kept = Run(engine, keeper, "open('keep.txt').read() == 'precious ' * 1000");
            var refused = Assert.Throws<InvalidOperationException>(() => engine.Send(new { op = "create" }));

            Assert.Matches("failed: (ENOSPC|EIO|EROFS)", (string)fill["Stdout"]!);
            Assert.Equal("True", (string)kept["Text"]!);
            Assert.Matches("The session's (workspace volume|/tmp) could not be created", refused.Message);   // whichever of the two needs room first
            Assert.Contains("AGBCODE_WORKSPACE_DIR", refused.Message);
        }
        finally
        {
            Platform.VolumeMounts.Unmount(volume);
            File.Delete(image);
            Directory.Delete(volume, recursive: true);
        }
    }

    private static JsonNode Run(EngineProcess engine, string id, string code) =>
        engine.Send(new { op = "run", id, language = "python", code }, TimeSpan.FromSeconds(120));
}
