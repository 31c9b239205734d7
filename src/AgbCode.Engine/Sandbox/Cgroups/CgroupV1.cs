using System.Globalization;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Platform;
using AgbCode.Engine.Native;

namespace AgbCode.Engine.Sandbox.Cgroups;

/// <summary>
/// cgroup v1: one folder per controller hierarchy; the freezer makes a kill race-free (no fork escapes it). cpuacct,
/// where the host has it, only counts CPU time (mounted with cpu or on its own); without it CPU time is not known.
/// </summary>
internal sealed class CgroupV1(IReadOnlyDictionary<string, string> mounts) : CgroupTree
{
    public static readonly string[] Controllers = ["memory", "pids", "cpu", "freezer"];
    public const string CpuAccounting = "cpuacct";

    public override string Version => "v1";

    public override CgroupGroup CreateSession(string name, SessionLimits limits, EngineLedger ledger)
    {
        var parents = Controllers.ToDictionary(c => c, c => Path.Combine(mounts[c], ParentName));
        if (mounts.TryGetValue(CpuAccounting, out string? accounting) && accounting != mounts["cpu"])
            parents[CpuAccounting] = Path.Combine(accounting, ParentName);
        var group = Group.Create(parents, name, ledger);
        string memory = group.Dirs["memory"];
        Write(memory, "memory.limit_in_bytes", limits.MemoryBytes.ToString(CultureInfo.InvariantCulture));
        if (File.Exists(Path.Combine(memory, "memory.memsw.limit_in_bytes")))   // swap would defeat the memory limit
            Write(memory, "memory.memsw.limit_in_bytes", limits.MemoryBytes.ToString(CultureInfo.InvariantCulture));
        Write(group.Dirs["pids"], "pids.max", limits.MaxProcesses.ToString(CultureInfo.InvariantCulture));
        Write(group.Dirs["cpu"], "cpu.cfs_period_us", "100000");
        Write(group.Dirs["cpu"], "cpu.cfs_quota_us", ((long)Math.Round(limits.CpuCores * 100000)).ToString(CultureInfo.InvariantCulture));
        return group;
    }

    private sealed class Group : CgroupGroup
    {
        private readonly List<LedgerEntry> _entries;
        private readonly EngineLedger _ledger;

        private Group(Dictionary<string, string> dirs, List<LedgerEntry> entries, EngineLedger ledger)
        {
            Dirs = dirs;
            _entries = entries;
            _ledger = ledger;
        }

        public Dictionary<string, string> Dirs { get; }

        public static Group Create(Dictionary<string, string> parents, string name, EngineLedger ledger)
        {
            var dirs = new Dictionary<string, string>();
            var entries = new List<LedgerEntry>();
            foreach (var (controller, parent) in parents)
            {
                Directory.CreateDirectory(parent);
                string dir = Path.Combine(parent, name);
                entries.Add(ledger.Add(LedgerEntry.CgroupV1, dir));
                Directory.CreateDirectory(dir);
                dirs[controller] = dir;
            }
            return new Group(dirs, entries, ledger);
        }

        public override IReadOnlyList<string> Directories => [.. Dirs.Values];

        public override IReadOnlyList<string> ProcsFiles => [.. Dirs.Values.Select(d => Path.Combine(d, "cgroup.procs"))];

        public override CgroupGroup CreateChild(string name, EngineLedger ledger) => Create(Dirs, name, ledger);

        public override long OomKills
        {
            get
            {
                string file = Path.Combine(Dirs["memory"], "memory.oom_control");
                if (!File.Exists(file))
                    return 0;
                string? line = File.ReadLines(file).FirstOrDefault(l => l.StartsWith("oom_kill ", StringComparison.Ordinal));
                return line is null ? 0 : long.Parse(line[9..], CultureInfo.InvariantCulture);
            }
        }

        public override CgroupUsage ReadUsage()
        {
            string memory = Dirs["memory"];
            long used = (NumberIn(Path.Combine(memory, "memory.usage_in_bytes")) ?? 0) - StatValue(Path.Combine(memory, "memory.stat"), "total_inactive_file");
            long? cpuNanoseconds = NumberIn(Path.Combine(Dirs.GetValueOrDefault(CpuAccounting) ?? Dirs["cpu"], "cpuacct.usage"));
            return new CgroupUsage(Math.Max(0, used), cpuNanoseconds is long ns ? TimeSpan.FromTicks(ns / 100) : null);
        }

        public override async Task KillAllAsync(CancellationToken cancellationToken = default)
        {
            string freezer = Dirs["freezer"];
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (ProcessesBelow(freezer).Any() && DateTime.UtcNow < deadline)
            {
                TryWrite(freezer, "freezer.state", "FROZEN");
                foreach (int pid in ProcessesBelow(freezer))
                    Libc.Signal(pid, Libc.SIGKILL);
                TryWrite(freezer, "freezer.state", "THAWED");   // frozen tasks cannot die
                await Task.Delay(5, cancellationToken).ConfigureAwait(false);
            }
        }

        public override async Task RemoveAsync(CancellationToken cancellationToken = default)
        {
            await KillAllAsync(cancellationToken).ConfigureAwait(false);
            foreach (string dir in Dirs.Values)
                await RemoveDirectoryAsync(dir, cancellationToken).ConfigureAwait(false);
            foreach (LedgerEntry entry in _entries)
                _ledger.Remove(entry);
        }

        private static void TryWrite(string dir, string file, string value)
        {
            try
            {
                Write(dir, file, value);
            }
            catch (IOException) { }   // the cgroup is going away
        }
    }
}
