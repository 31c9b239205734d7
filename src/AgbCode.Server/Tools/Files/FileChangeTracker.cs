using System.Runtime.CompilerServices;
using AgbCode.Server.Sessions;

namespace AgbCode.Server.Tools.Files;

/// <summary>
/// What get_file_change saw at its last call, per session and watched folder, so the next call can say what changed.
/// Bounded: a session keeps its <see cref="MaxWatchedFolders"/> most recently polled folders, and no more entries in all
/// than one scan may visit (AGBCODE_MAX_LIST_ENTRIES), dropping the oldest folders first; the state goes with the session.
/// </summary>
public sealed class FileChangeTracker(FileToolLimits limits)
{
    public const int MaxWatchedFolders = 16;

    public sealed record Snapshot(IReadOnlyDictionary<string, State> Items);
    public sealed record State(bool IsDirectory, long Length, DateTimeOffset LastWriteTime);

    // per session, oldest poll first
    private readonly ConditionalWeakTable<HostedSession, List<(string Folder, Snapshot Snapshot)>> _sessions = [];

    /// <summary>Stores <paramref name="now"/> for the folder and returns what was stored before (null on the first call).</summary>
    public Snapshot? Swap(HostedSession session, string folder, Snapshot now)
    {
        List<(string Folder, Snapshot Snapshot)> folders = _sessions.GetOrCreateValue(session);
        lock (folders)
        {
            int at = folders.FindIndex(f => f.Folder == folder);
            Snapshot? before = at >= 0 ? folders[at].Snapshot : null;
            if (at >= 0)
                folders.RemoveAt(at);
            while (folders.Count > 0 && (folders.Count >= MaxWatchedFolders || folders.Sum(f => f.Snapshot.Items.Count) + now.Items.Count > limits.ListEntries))
                folders.RemoveAt(0);
            folders.Add((folder, now));
            return before;
        }
    }
}
