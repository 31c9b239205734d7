namespace AgbCode.Engine.Platform;

/// <summary>The host's processes as /proc shows them (zombies are dead: they hold nothing but a pid until reaped).</summary>
internal static class ProcessTable
{
    /// <summary>Living processes of a uid.</summary>
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

    /// <summary>Living processes with their uids.</summary>
    public static IEnumerable<(int Pid, uint Uid)> Processes()
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
}
