using AgbCode.Engine.Platform;
using System.Globalization;
using AgbCode.Engine.Sandbox;

namespace AgbCode.Engine;

/// <summary>
/// What AgbCode holds on this host, read from the host itself (processes, cgroups, mounts, folders, slots), so that
/// leaks can be found: a session's leftovers after removal, or anything no living engine owns.
/// </summary>
internal static class HostInventory
{
    /// <summary>What a removed session still holds; empty when it is all gone.</summary>
    public static IReadOnlyList<string> Leftovers(SessionFootprint footprint)
    {
        var leftovers = new List<string>();
        if (footprint.Uid is uint uid)
            leftovers.AddRange(ProcessTable.ProcessesOf(uid).Select(p => $"process {p} of uid {uid}"));
        leftovers.AddRange(footprint.Cgroups.Where(Directory.Exists).Select(c => $"cgroup {c}"));
        HashSet<string> mounts = MountTable.MountPoints();
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
            foreach (LedgerEntry entry in EngineLedger.Read(ledger))
                owned.Add(entry.Value);
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
        strays.AddRange(MountTable.MountPoints().Where(m => m.StartsWith(root.WorkspacesDir + "/", StringComparison.Ordinal) && !owned.Contains(m)).Select(m => $"mount {m}"));
        foreach (string parent in CgroupParents())
            strays.AddRange(Directory.EnumerateDirectories(parent, "*", SearchOption.AllDirectories).Where(d => !owned.Contains(d)).Select(d => $"cgroup {d}"));
        if (uids.PerSessionUids)
            strays.AddRange(ProcessTable.Processes()
                .Where(p => p.Uid >= uids.Base && p.Uid < uids.Base + SlotAllocator.MaxSlots && !ownedSlots.Contains((int)(p.Uid - uids.Base)))
                .Select(p => $"process {p.Pid} of session uid {p.Uid}"));
        return strays;
    }

    /// <summary>Every mount point this process sees (/proc/self/mountinfo).</summary>
    private static IEnumerable<string> CgroupParents() =>
        File.ReadAllLines("/proc/self/mounts").Select(l => l.Split(' ')).Where(f => f.Length > 2 && f[2] is "cgroup" or "cgroup2")
            .Select(f => Path.Combine(f[1], Sandbox.Cgroups.CgroupTree.ParentName)).Where(Directory.Exists).Distinct();
}
