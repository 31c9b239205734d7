using AgbCode.Core.Sessions;
using AgbCode.Engine.Platform;

namespace AgbCode.Engine.Sandbox.Cgroups;

/// <summary>
/// Where session cgroups live: cgroup v2 (unified), or v1 with memory, pids, cpu and freezer hierarchies (hybrid hosts
/// use v1, where the controllers are). Sessions go under a host-wide "agbcode" parent, one child per session slot and
/// one leaf per kernel, so a kernel can be killed without touching the session's other kernels.
/// </summary>
internal abstract class CgroupTree
{
    public const string ParentName = "agbcode";

    public abstract string Version { get; }

    /// <summary>A session's cgroup with its limits; written to the ledger before it is created.</summary>
    public abstract CgroupGroup CreateSession(string name, SessionLimits limits, EngineLedger ledger);

    /// <summary>The tree this host offers a root engine, or null with the reason.</summary>
    public static CgroupTree? Detect(out string reason)
    {
        var mounts = File.ReadAllLines("/proc/self/mounts").Select(l => l.Split(' ')).Where(f => f.Length >= 4).ToList();
        var v1 = new Dictionary<string, string>();
        foreach (string[] m in mounts.Where(m => m[2] == "cgroup"))
            foreach (string option in m[3].Split(','))
                if (CgroupV1.Controllers.Contains(option) || option == CgroupV1.CpuAccounting)
                    v1.TryAdd(option, m[1]);
        if (v1.Count > 0)
        {
            string[] missing = [.. CgroupV1.Controllers.Where(c => !v1.ContainsKey(c))];
            reason = missing.Length == 0 ? "" : $"cgroup v1 controllers missing: {string.Join(", ", missing)}";
            return missing.Length == 0 ? new CgroupV1(v1) : null;
        }
        string? unified = mounts.FirstOrDefault(m => m[2] == "cgroup2")?[1];
        if (unified is null)
        {
            reason = "no cgroup file system is mounted";
            return null;
        }
        string[] available = File.Exists(Path.Combine(unified, "cgroup.controllers"))
            ? File.ReadAllText(Path.Combine(unified, "cgroup.controllers")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
        string[] lacking = [.. CgroupV2.Controllers.Where(c => !available.Contains(c))];
        reason = lacking.Length == 0 ? "" : $"cgroup v2 controllers missing at {unified}: {string.Join(", ", lacking)}";
        return lacking.Length == 0 ? new CgroupV2(unified) : null;
    }

    internal static void Write(string directory, string file, string value) =>
        File.WriteAllText(Path.Combine(directory, file), value);

    /// <summary>The processes in this cgroup and in every cgroup below it.</summary>
    internal static IEnumerable<int> ProcessesBelow(string directory)
    {
        try
        {
            return Processes(directory).Concat(Directory.EnumerateDirectories(directory).SelectMany(ProcessesBelow)).ToList();
        }
        catch (IOException)
        {
            return [];   // removed meanwhile
        }
    }

    internal static IEnumerable<int> Processes(string directory)
    {
        string procs = Path.Combine(directory, "cgroup.procs");
        if (!File.Exists(procs))
            return [];
        try
        {
            return File.ReadAllLines(procs).Where(l => l.Length > 0).Select(int.Parse).ToList();
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>Removes a cgroup folder once it is empty; a cgroup takes a moment to release after its last process.</summary>
    internal static async Task RemoveDirectoryAsync(string directory, CancellationToken cancellationToken)
    {
        for (int attempt = 0; Directory.Exists(directory); attempt++)
        {
            try
            {
                Directory.Delete(directory);
            }
            catch (IOException) when (attempt < 100)
            {
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

/// <summary>A session's or a kernel's cgroup: join it, kill everything in it, remove it.</summary>
internal abstract class CgroupGroup
{
    /// <summary>The cgroup's folders (one per v1 hierarchy, one on v2).</summary>
    public abstract IReadOnlyList<string> Directories { get; }

    /// <summary>The cgroup.procs files a launcher writes its pid to.</summary>
    public abstract IReadOnlyList<string> ProcsFiles { get; }

    public abstract CgroupGroup CreateChild(string name, EngineLedger ledger);

    /// <summary>SIGKILLs every process in this cgroup and waits (at most 10 s) until it is empty.</summary>
    public abstract Task KillAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Kills what is left and removes the cgroup (and its ledger entries).</summary>
    public abstract Task RemoveAsync(CancellationToken cancellationToken = default);

    // For the kernel's synchronous paths until they are async (Kernels/Kernel.cs); everything else awaits the async forms.
    public void KillAll() => KillAllAsync().GetAwaiter().GetResult();

    public void Remove() => RemoveAsync().GetAwaiter().GetResult();

    /// <summary>How many processes the kernel's OOM killer has killed in this cgroup.</summary>
    public abstract long OomKills { get; }

    /// <summary>What the processes in this cgroup and below use now: memory without inactive page cache, and CPU time.</summary>
    public abstract CgroupUsage ReadUsage();

    /// <summary>The number after <paramref name="key"/> in a file of "key value" lines (memory.stat, cpu.stat); 0 when absent.</summary>
    internal static long StatValue(string file, string key)
    {
        if (!File.Exists(file))
            return 0;
        string prefix = key + " ";
        string? line = File.ReadLines(file).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static long? NumberIn(string file) =>
        File.Exists(file) ? long.Parse(File.ReadAllText(file).Trim(), System.Globalization.CultureInfo.InvariantCulture) : null;
}

/// <summary>A cgroup's reading: memory in use (bytes) and CPU time (null where the host does not account it).</summary>
internal readonly record struct CgroupUsage(long MemoryBytes, TimeSpan? CpuTime);
