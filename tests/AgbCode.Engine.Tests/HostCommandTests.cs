using AgbCode.Engine.Platform;

namespace AgbCode.Engine.Tests;

/// <summary>A host tool (mkfs, e2fsck, losetup) is bounded and cancellable: one that overruns or is cancelled is killed.</summary>
public sealed class HostCommandTests : IDisposable
{
    private readonly string _pidFile = Path.Combine(Path.GetTempPath(), $"agbcode-hostcommand-{Guid.NewGuid():N}.pid");

    public void Dispose() => File.Delete(_pidFile);

    private string[] SleepRecordingPid => ["-c", $"echo $$ > {_pidFile}; exec sleep 600"];

    [Fact]
    public async Task A_tool_that_overruns_its_bound_is_killed_and_the_error_names_the_setting()
    {
        IOException refused = await Assert.ThrowsAsync<IOException>(() =>
            HostCommand.TryRunAsync("/bin/sh", SleepRecordingPid, timeout: TimeSpan.FromSeconds(3)));

        Assert.Contains(HostCommand.TimeoutSetting, refused.Message);
        Assert.Contains("did not finish within 3 s", refused.Message);
        AssertGone(int.Parse(File.ReadAllText(_pidFile).Trim()));
    }

    [Fact]
    public async Task Cancelling_a_tool_kills_it()
    {
        using var cancel = new CancellationTokenSource();
        Task<(int, string)> running = HostCommand.TryRunAsync("/bin/sh", SleepRecordingPid, cancel.Token);
        while (!File.Exists(_pidFile) || File.ReadAllText(_pidFile).Length == 0)
            await Task.Delay(10);   // until the tool is running
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        AssertGone(int.Parse(File.ReadAllText(_pidFile).Trim()));
    }

    [Fact]
    public async Task A_tool_that_fails_reports_its_exit_code_and_output()
    {
        IOException failed = await Assert.ThrowsAsync<IOException>(() => HostCommand.RunAsync("/bin/sh", ["-c", "echo broken >&2; exit 3"]));

        Assert.Contains("exit code 3", failed.Message);
        Assert.Contains("broken", failed.Message);
    }

    // The tool was awaited to its exit, so it is reaped: no /proc entry is left (a live one or a zombie would have one).
    private static void AssertGone(int pid) => Assert.False(Directory.Exists($"/proc/{pid}"), $"process {pid} is still there");
}
