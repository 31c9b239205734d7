using System.Text.RegularExpressions;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Platform;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>
/// What /proc tells a sandbox about the host: nothing of other sessions (their volumes, their I/O) and no host path of
/// the engine's state. Read inside a real sandbox while a neighbour session holds a volume of its own.
/// </summary>
public class HostFactsIsolationTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private static readonly string[] Files = ["/proc/partitions", "/proc/diskstats", "/proc/self/mountinfo", "/proc/1/cmdline"];

    [Fact]
    public async Task Proc_shows_no_other_session_and_no_host_path_of_the_engine_state()
    {
        var neighbour = (LocalSession)await fixture.Space.CreateSessionAsync(new SessionOptions());
        try
        {
            EnhancedCodeExecutionResult read = await fixture.Python(string.Join("\n", Files.Select(f =>
                $"print('== {f}'); print(open('{f}', 'rb').read().replace(b'\\0', b' ').decode())")));
            Assert.True(read.Success, read.ErrorMessage);
            Dictionary<string, string> seen = Files.ToDictionary(f => f, f => Section(read.Stdout, f));

            Assert.Equal("", seen["/proc/partitions"].Trim());   // every session's volume was listed here
            Assert.Equal("", seen["/proc/diskstats"].Trim());    // with live I/O counters
            Assert.StartsWith("/usr/bin/bwrap --seccomp 7 --args 8 -- ", seen["/proc/1/cmdline"]);   // the options travelled on a pipe

            EngineHost host = EngineHost.Shared;
            string[] hostFacts =
            [
                host.Root.Path, host.Root.WorkspaceRoot, fixture.Session.WorkspacePath, neighbour.WorkspacePath, host.Runtime.Path,
                LoopDeviceOf(fixture.Session.WorkspacePath), LoopDeviceOf(neighbour.WorkspacePath), "/dev/loop",
            ];
            foreach (var (file, text) in seen)
                foreach (string fact in hostFacts)
                    Assert.False(text.Contains(fact, StringComparison.Ordinal), $"{file} shows {fact}:\n{text}");

            // The host uid: bwrap's own tmpfs mounts (/, /dev, /tmp) carry it as uid=/gid= options, which the kernel
            // prints in the host's terms (docs/security.md says so); anywhere else it must not show.
            string uid = fixture.Session.Uid!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var (file, text) in seen)
                Assert.DoesNotContain(uid, Regex.Replace(text, $"\\b[ug]id={uid}\\b", ""));
        }
        finally
        {
            await fixture.Space.DeleteSessionAsync(neighbour.Id);
        }
    }

    private static string Section(string output, string file)
    {
        int start = output.IndexOf($"== {file}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, output);
        start += file.Length + 4;
        int end = output.IndexOf("\n== ", start, StringComparison.Ordinal);
        return end < 0 ? output[start..] : output[start..end];
    }

    /// <summary>
    /// The loop device a workspace volume is on (from its device number: the host's mount table, too, lists it under the
    /// neutral name, not /dev/loopN).
    /// </summary>
    private static string LoopDeviceOf(string workspace)
    {
        string[] mount = File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')).Single(f => f[4] == workspace);
        Assert.Equal(Sandbox.Workspace.VolumeDeviceName, mount[Array.IndexOf(mount, "-") + 2]);
        string device = Path.GetFileName(new DirectoryInfo($"/sys/dev/block/{mount[2]}").ResolveLinkTarget(returnFinalTarget: true)!.FullName);
        Assert.StartsWith("loop", device);
        return "/dev/" + device;
    }
}
