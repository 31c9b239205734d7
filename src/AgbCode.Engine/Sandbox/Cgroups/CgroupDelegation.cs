using System.Globalization;
using AgbCode.Engine.Native;

namespace AgbCode.Engine.Sandbox.Cgroups;

/// <summary>
/// Limits for an engine that is not root, from the cgroup v2 subtree the host delegates to its user (systemd's
/// Delegate=yes, as `systemd-run --user --scope -p Delegate=yes pwsh` gives): the engine moves itself into a leaf of its
/// own cgroup, since v2 lets a cgroup with processes in it enable no controllers below it, and puts sessions beside
/// that leaf with the same limits a root engine gives them.
/// </summary>
internal static class CgroupDelegation
{
    public const string EngineLeaf = "agbcode-engine";
    public const string ScopeCommand = "systemd-run --user --scope -p Delegate=yes pwsh";

    /// <summary>The delegated tree, with the engine moved into its leaf; or null with the reason, naming the fix.</summary>
    public static CgroupTree? Detect(out string reason)
    {
        string? problem = Problem(out string own);
        reason = problem ?? "";
        if (problem is not null)
            return null;
        string leaf = Path.Combine(own, EngineLeaf);
        Directory.CreateDirectory(leaf);
        CgroupTree.Write(leaf, "cgroup.procs", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return new CgroupV2(own, "v2 (delegated to uid " + Libc.geteuid().ToString(CultureInfo.InvariantCulture) + ")");
    }

    private static string? Problem(out string own)
    {
        own = "";
        string[][] mounts = [.. File.ReadAllLines("/proc/self/mounts").Select(l => l.Split(' ')).Where(f => f.Length >= 4)];
        if (mounts.Any(m => m[2] == "cgroup" && m[3].Split(',').Contains("memory")))
            return "the engine is not root, and this host keeps its memory controller on cgroup v1, which cannot be delegated to a user (cgroup v2 can)";
        string? unified = mounts.FirstOrDefault(m => m[2] == "cgroup2")?[1];
        string? path = File.ReadLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..];
        if (unified is null || path is null)
            return "the engine is not root, and this host has no cgroup v2 hierarchy to delegate";
        own = Path.Join(unified, path);
        string[] offered = File.ReadAllText(Path.Combine(own, "cgroup.controllers")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string[] lacking = [.. CgroupV2.Controllers.Where(c => !offered.Contains(c))];
        if (lacking.Length > 0 || !Writable(own))
            return $"the engine is not root, and its cgroup {own} is not delegated to it{(lacking.Length > 0 ? $" (controllers missing: {string.Join(", ", lacking)})" : "")}: start pwsh in a delegated scope with {ScopeCommand}";
        int[] others = [.. CgroupTree.Processes(own).Where(p => p != Environment.ProcessId)];
        if (others.Length > 0)
            return $"the engine is not root, and its delegated cgroup {own} holds {others.Length} other process(es), so it cannot enable controllers below it: start pwsh alone in its own scope with {ScopeCommand}";
        return null;
    }

    private static bool Writable(string cgroup) =>
        new[] { "cgroup.procs", "cgroup.subtree_control" }.All(f => Libc.access(Path.Combine(cgroup, f), Libc.W_OK) == 0);
}
