using System.Globalization;
using AgbCode.Engine.Sandbox;

namespace AgbCode.Engine.Host;

/// <summary>
/// What AgbCode holds on this host, read from the host itself (processes, cgroups, mounts, folders, slots), so that
/// leaks can be found: a session's leftovers after removal, or anything no living engine owns.
/// </summary>
internal static class HostInventory
{
    /// <summary>Living processes of a uid (zombies are dead: they hold nothing but a pid until reaped).</summary>
    public static IReadOnlyList<int> ProcessesOf(uint uid) => [.. Processes().Where(p => p.Uid == uid).Select(p => p.Pid)];

    /// <summary>Threads of a uid's living processes: what RLIMIT_NPROC counts.</summary>
    public static int ThreadsOf(uint uid) => Processes().Where(p => p.Uid == uid).Sum(p => ThreadCount(p.Pid));

    private static int ThreadCount(int pid)
    {
        try
        {
            return Directory.EnumerateDirectories($"/proc/{pid}/task").Count();
        }
        catch (IOException)
        {
            return 0;   // it ended while we looked
        }
    }

    /// <summary>What a removed session still holds; empty when it is all gone.</summary>
    public static IReadOnlyList<string> Leftovers(SessionFootprint footprint)
    {
        var leftovers = new List<string>();
        if (footprint.Uid is uint uid)
            leftovers.AddRange(ProcessesOf(uid).Select(p => $"process {p} of uid {uid}"));
        leftovers.AddRange(footprint.Cgroups.Where(Directory.Exists).Select(c => $"cgroup {c}"));
        HashSet<string> mounts = MountPoints();
        leftovers.AddRange(footprint.Folders.Where(mounts.Contains).Select(f => $"mount {f}"));
        leftovers.AddRange(footprint.Folders.Where(Directory.Exists).Select(f => $"session folder {f}"));
        if (File.Exists(footprint.SlotFile))
            leftovers.Add($"slot {footprint.SlotFile}");
        return leftovers;
    }

    /// <summary>AgbCode's things on this host that no living engine owns (a crashed engine's, never swept).</summary>
    public static IReadOnlyList<string> Strays(StateRoot root, UidPolicy uids)
    {
        var owned = new HashSet<string>(StringComparer.Ordinal);
        var liveEngines = new HashSet<string>(StringComparer.Ordinal);
        var strays = new List<string>();
        foreach (string ledger in Directory.EnumerateFiles(root.EnginesDir, "*.ledger"))
        {
            string engine = Path.GetFileNameWithoutExtension(ledger);
            using (FileLock? probe = FileLock.TryAcquire(Path.Combine(root.EnginesDir, engine + ".lock")))
            {
                if (probe is not null)
                {
                    strays.Add($"ledger of dead engine {engine}");
                    continue;
                }
            }
            liveEngines.Add(engine);
            foreach (string line in File.ReadAllLines(ledger))
                owned.Add(line[(line.IndexOf(' ') + 1)..]);
        }
        var ownedSlots = new HashSet<int>();
        foreach (string slot in Directory.EnumerateFiles(root.SlotsDir))
        {
            int number = int.Parse(Path.GetFileName(slot), CultureInfo.InvariantCulture);
            if (liveEngines.Contains(File.ReadAllText(slot).Trim()))
                ownedSlots.Add(number);
            else
                strays.Add($"slot {number} of a dead engine");
        }
        strays.AddRange(Directory.EnumerateFileSystemEntries(root.WorkspacesDir).Where(p => !owned.Contains(p)).Select(p => $"workspace {p}"));
        strays.AddRange(Directory.EnumerateFileSystemEntries(root.ImagesDir).Where(p => !owned.Contains(p)).Select(p => $"volume image {p}"));
        strays.AddRange(MountPoints().Where(m => m.StartsWith(root.WorkspacesDir + "/", StringComparison.Ordinal) && !owned.Contains(m)).Select(m => $"mount {m}"));
        foreach (string parent in CgroupParents())
            strays.AddRange(Directory.EnumerateDirectories(parent, "*", SearchOption.AllDirectories).Where(d => !owned.Contains(d)).Select(d => $"cgroup {d}"));
        if (uids.PerSessionUids)
            strays.AddRange(Processes()
                .Where(p => p.Uid >= uids.Base && p.Uid < uids.Base + SlotAllocator.MaxSlots && !ownedSlots.Contains((int)(p.Uid - uids.Base)))
                .Select(p => $"process {p.Pid} of session uid {p.Uid}"));
        return strays;
    }

    private static IEnumerable<(int Pid, uint Uid)> Processes()
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
                continue;
            string[] status;
            try
            {
                status = File.ReadAllLines(Path.Combine(dir, "status"));
            }
            catch (IOException)
            {
                continue;   // it ended while we looked
            }
            if (status.Any(l => l.StartsWith("State:\tZ", StringComparison.Ordinal)))
                continue;
            string? uidLine = status.FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            if (uidLine is not null && uint.TryParse(uidLine.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], out uint uid))
                yield return (pid, uid);
        }
    }

    /// <summary>Every mount point this process sees (/proc/self/mountinfo).</summary>
    internal static HashSet<string> MountPoints() =>
        [.. File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')).Where(f => f.Length > 4).Select(f => f[4])];

    private static IEnumerable<string> CgroupParents() =>
        File.ReadAllLines("/proc/self/mounts").Select(l => l.Split(' ')).Where(f => f.Length > 2 && f[2] is "cgroup" or "cgroup2")
            .Select(f => Path.Combine(f[1], Sandbox.Cgroups.CgroupTree.ParentName)).Where(Directory.Exists).Distinct();
}
