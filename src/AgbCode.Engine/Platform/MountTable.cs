namespace AgbCode.Engine.Platform;

/// <summary>The host's mount table as this process sees it.</summary>
internal static class MountTable
{
    /// <summary>Every mount point (field 5 of /proc/self/mountinfo).</summary>
    public static HashSet<string> MountPoints() =>
        [.. File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')).Where(f => f.Length > 4).Select(f => f[4])];
}
