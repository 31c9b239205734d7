using System.Globalization;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Platform;

namespace AgbCode.Engine.Sandbox.Cgroups;

/// <summary>
/// cgroup v2: one folder, under the mount (a root engine) or under the cgroup delegated to the engine's user
/// (<see cref="CgroupDelegation"/>). Controllers are enabled down the agbcode parent and each session, processes live only in
/// kernel leaves ("no internal processes"), an OOM kills the whole kernel (memory.oom.group), cgroup.kill ends it.
/// </summary>
internal sealed class CgroupV2(string mount, string version = "v2") : CgroupTree
{
    public static readonly string[] Controllers = ["memory", "pids", "cpu"];
    private static readonly string EnableAll = string.Join(' ', Controllers.Select(c => "+" + c));

    public override string Version => version;

    public override CgroupGroup CreateSession(string name, SessionLimits limits, EngineLedger ledger)
    {
        string parent = Path.Combine(mount, ParentName);
        Write(mount, "cgroup.subtree_control", EnableAll);
        Directory.CreateDirectory(parent);
        Write(parent, "cgroup.subtree_control", EnableAll);
        var group = Group.Create(parent, name, ledger);
        Write(group.Dir, "memory.max", limits.MemoryBytes.ToString(CultureInfo.InvariantCulture));
        Write(group.Dir, "memory.swap.max", "0");
        Write(group.Dir, "pids.max", limits.MaxProcesses.ToString(CultureInfo.InvariantCulture));
        Write(group.Dir, "cpu.max", $"{(long)Math.Round(limits.CpuCores * 100000)} 100000");
        Write(group.Dir, "cgroup.subtree_control", EnableAll);
        return group;
    }

    private sealed class Group(string dir, LedgerEntry entry, EngineLedger ledger) : CgroupGroup
    {
        public string Dir { get; } = dir;

        public static Group Create(string parent, string name, EngineLedger ledger)
        {
            string dir = Path.Combine(parent, name);
            LedgerEntry entry = ledger.Add(LedgerEntry.CgroupV2, dir);
            Directory.CreateDirectory(dir);
            return new Group(dir, entry, ledger);
        }

        public override IReadOnlyList<string> Directories => [Dir];

        public override IReadOnlyList<string> ProcsFiles => [Path.Combine(Dir, "cgroup.procs")];

        public override CgroupGroup CreateChild(string name, EngineLedger ledger)
        {
            Group child = Create(Dir, name, ledger);
            Write(child.Dir, "memory.oom.group", "1");
            return child;
        }

        public override long OomKills
        {
            get
            {
                string file = Path.Combine(Dir, "memory.events");
                string? line = File.Exists(file) ? File.ReadLines(file).FirstOrDefault(l => l.StartsWith("oom_kill ", StringComparison.Ordinal)) : null;
                return line is null ? 0 : long.Parse(line[9..], CultureInfo.InvariantCulture);
            }
        }

        public override CgroupUsage ReadUsage()
        {
            long used = (NumberIn(Path.Combine(Dir, "memory.current")) ?? 0) - StatValue(Path.Combine(Dir, "memory.stat"), "inactive_file");
            long cpuMicroseconds = StatValue(Path.Combine(Dir, "cpu.stat"), "usage_usec");
            return new CgroupUsage(Math.Max(0, used), TimeSpan.FromTicks(cpuMicroseconds * 10));
        }

        public override async Task KillAllAsync(CancellationToken cancellationToken = default)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Populated && DateTime.UtcNow < deadline)
            {
                Write(Dir, "cgroup.kill", "1");   // the whole subtree
                await Task.Delay(5, cancellationToken).ConfigureAwait(false);
            }
        }

        private bool Populated =>
            File.Exists(Path.Combine(Dir, "cgroup.events")) && File.ReadLines(Path.Combine(Dir, "cgroup.events")).Contains("populated 1");

        public override async Task RemoveAsync(CancellationToken cancellationToken = default)
        {
            if (Directory.Exists(Dir))
                await KillAllAsync(cancellationToken).ConfigureAwait(false);
            await RemoveDirectoryAsync(Dir, cancellationToken).ConfigureAwait(false);
            ledger.Remove(entry);
        }
    }
}
