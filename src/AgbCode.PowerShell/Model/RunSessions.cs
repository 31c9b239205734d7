using System.Collections.Concurrent;

namespace AgbCode.PowerShell.Model;

/// <summary>
/// The sessions Invoke-AgbCode makes for one run, while that run lasts: the result is written (and shown at once by
/// the host) before its session is removed, and the result view names only sessions that outlive the output.
/// </summary>
public static class RunSessions
{
    private static readonly ConcurrentDictionary<string, byte> Leaving = new(StringComparer.Ordinal);

    /// <summary>Whether the session is one made for a single run, to be removed once that run is written.</summary>
    public static bool IsLeaving(string? sessionId) => sessionId is not null && Leaving.ContainsKey(sessionId);

    internal static void Add(string sessionId) => Leaving[sessionId] = 0;

    internal static void Remove(string sessionId) => Leaving.TryRemove(sessionId, out _);
}
