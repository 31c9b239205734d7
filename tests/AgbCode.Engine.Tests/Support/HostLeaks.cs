using AgbCode.Engine.Platform;

namespace AgbCode.Engine.Tests.Support;

/// <summary>Checks that a session left nothing on the host: no process of its uid, cgroup, mount, workspace or slot.</summary>
internal static class HostLeaks
{
    public static void AssertGone(SessionFootprint footprint, TimeSpan? within = null)
    {
        DateTime deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));   // polls: only a leak waits this long
        IReadOnlyList<string> leaks;
        while ((leaks = Find(footprint)).Count > 0 && DateTime.UtcNow < deadline)
            Thread.Sleep(50);
        Assert.True(leaks.Count == 0, "left behind: " + string.Join("; ", leaks));
    }

    public static IReadOnlyList<string> Find(SessionFootprint footprint) => HostInventory.Leftovers(footprint);

    public static IReadOnlyList<int> ProcessesOf(uint uid) => Platform.ProcessTable.ProcessesOf(uid);
}
