using System.Globalization;

namespace AgbCode.Engine.Tests.Support;

/// <summary>Checks that a session left nothing on the host: no process of its uid, cgroup, mount, workspace or slot.</summary>
internal static class HostLeaks
{
    public static void AssertGone(SessionFootprint footprint, TimeSpan? within = null)
    {
        DateTime deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(3));
        List<string> leaks;
        while ((leaks = Find(footprint)).Count > 0 && DateTime.UtcNow < deadline)
            Thread.Sleep(50);
        Assert.True(leaks.Count == 0, "left behind: " + string.Join("; ", leaks));
    }

    public static List<string> Find(SessionFootprint footprint)
    {
        var leaks = new List<string>();
        if (footprint.Uid is uint uid)
            leaks.AddRange(ProcessesOf(uid).Select(p => $"process {p} of uid {uid}"));
        leaks.AddRange(footprint.Cgroups.Where(Directory.Exists).Select(c => $"cgroup {c}"));
        if (File.ReadAllText("/proc/self/mountinfo").Contains(footprint.Workspace, StringComparison.Ordinal))
            leaks.Add($"mount {footprint.Workspace}");
        if (Directory.Exists(footprint.Workspace))
            leaks.Add($"workspace {footprint.Workspace}");
        if (File.Exists(footprint.SlotFile))
            leaks.Add($"slot {footprint.SlotFile}");
        return leaks;
    }

    public static List<int> ProcessesOf(uint uid)
    {
        string wanted = uid.ToString(CultureInfo.InvariantCulture);
        var found = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
                continue;
            try
            {
                string[] status = File.ReadAllLines(Path.Combine(dir, "status"));
                bool zombie = status.Any(l => l.StartsWith("State:\tZ", StringComparison.Ordinal));   // dead, waiting for its reaper
                string? line = status.FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
                if (!zombie && line is not null && line.Split('\t', StringSplitOptions.RemoveEmptyEntries).Skip(1).Contains(wanted))
                    found.Add(pid);
            }
            catch (IOException) { }
        }
        return found;
    }
}
