using System.Diagnostics;
using System.Text.Json.Nodes;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>An engine process that dies, even by SIGKILL, leaves nothing behind; the next engine sweeps only the dead.</summary>
public class CrashTests
{
    [Fact]
    public void Sigkilling_the_engine_mid_run_removes_every_sandbox_cgroup_mount_and_workspace()
    {
        using EngineProcess engine = EngineProcess.Start();
        var footprints = new List<SessionFootprint>();
        string busy = "";
        for (int i = 0; i < 2; i++)
        {
            JsonNode created = engine.Send(new { op = "create" });
            footprints.Add(EngineProcess.Footprint(created));
            busy = (string)created["id"]!;
            engine.Send(new { op = "start", id = busy, language = "python" });
        }
        engine.Post(new { op = "run", id = busy, language = "python", code = "open('crash-run-started', 'w').close(); import time; time.sleep(600)" });
        WaitForFile(Path.Combine(footprints[^1].Workspace, "crash-run-started"));   // mid-run, by the run's own word
        Assert.All(footprints, f => Assert.NotEmpty(HostLeaks.ProcessesOf(f.Uid!.Value)));

        engine.KillHard();   // how fast the guardian cleans up is measured by bench (crash mode), not asserted here
        foreach (SessionFootprint footprint in footprints)
            HostLeaks.AssertGone(footprint, within: TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task A_new_engine_sweeps_what_a_dead_engine_left_and_nothing_of_a_live_one()
    {
        // this process's engine holds a live session the sweep must not touch
        await using var space = new LocalCodeSpace();
        var live = (LocalSession)await space.CreateSessionAsync(new Core.Sessions.SessionOptions());
        await live.StartKernelAsync("python");

        SessionFootprint orphaned;
        using (EngineProcess dead = EngineProcess.Start())
        {
            JsonNode created = dead.Send(new { op = "create" });
            orphaned = EngineProcess.Footprint(created);
            dead.Send(new { op = "start", id = (string)created["id"]!, language = "python" });
            KillGuardianOf(dead.Pid);   // no guardian: only the next engine can clean up now
            dead.KillHard();
        }
        // No check that its things are still there now: any engine that starts on this host meanwhile (another test
        // project's) sweeps them, which is the property under test too. With the guardian gone, only a sweep cleans up.

        using (EngineProcess next = EngineProcess.Start())
            next.Send(new { op = "create" });          // its engine starts, and sweeps

        HostLeaks.AssertGone(orphaned);
        SessionFootprint kept = live.Footprint;
        Assert.NotEmpty(HostLeaks.ProcessesOf(kept.Uid!.Value));
        Assert.All(kept.Cgroups, cgroup => Assert.True(Directory.Exists(cgroup)));
        Assert.True(Directory.Exists(kept.Workspace) && File.Exists(kept.SlotFile));
        Assert.True((await live.RunAsync(new Core.Sessions.RunRequest("'alive'", "python"))).Success);
    }

    [Fact]
    public void A_ctrl_c_at_the_engines_terminal_does_not_reach_its_sandboxes()
    {
        // the engine leads its own process group, as a shell's foreground job does; the terminal signals the group
        using EngineProcess engine = EngineProcess.Start(runAs: ["/usr/bin/setsid"]);
        JsonNode created = engine.Send(new { op = "create" });
        string id = (string)created["id"]!;
        engine.Send(new { op = "run", id, language = "python", code = "survives_ctrl_c = 'yes'" });
        int group = (int)engine.Send(new { op = "processgroup" })["pgid"]!;
        Assert.Equal(engine.Pid, group);
        IReadOnlyList<int> sandboxed = HostLeaks.ProcessesOf(EngineProcess.Footprint(created).Uid!.Value);
        Assert.NotEmpty(sandboxed);

        Process.Start("/usr/bin/kill", ["-INT", "--", $"-{group}"])!.WaitForExit();
        // kill(2) hands the signal to every member of the group before it returns; no process of the session is one
        Assert.All(sandboxed, pid => Assert.NotEqual(group, ProcessGroupOf(pid)));
        JsonNode after = engine.Send(new { op = "run", id, language = "python", code = "survives_ctrl_c" });

        Assert.Equal("'yes'", (string)after["Text"]!);
        Assert.False((bool)after["KernelRestarted"]!);
    }

    /// <summary>The process group of a process: field 5 of /proc/PID/stat, counted after the command's closing parenthesis.</summary>
    private static int ProcessGroupOf(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void WaitForFile(string path)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);   // only reached when the run never starts
        while (!File.Exists(path))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the run never wrote {path}");
            Thread.Sleep(20);
        }
    }

    private static void KillGuardianOf(int enginePid)
    {
        int killed = 0;
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
                continue;
            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue;
            }
            if (commandLine.Contains("reap.sh wait", StringComparison.Ordinal) && commandLine.Contains($"-{enginePid}-", StringComparison.Ordinal))
            {
                Process.GetProcessById(pid).Kill();
                killed++;
            }
        }
        Assert.Equal(1, killed);
    }
}
