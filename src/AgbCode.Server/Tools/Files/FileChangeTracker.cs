using System.Runtime.CompilerServices;
using AgbCode.Server.Sessions;

namespace AgbCode.Server.Tools.Files;

/// <summary>
/// What get_file_change saw at its last call, per session and watched folder, so the next call can say what changed.
/// Bounded: a session keeps its <see cref="MaxWatchedFolders"/> most recently polled folders; the state goes with the session.
/// </summary>
public sealed class FileChangeTracker
{
    public const int MaxWatchedFolders = 16;

    public sealed record Snapshot(IReadOnlyDictionary<string, State> Items);
    public sealed record State(bool IsDirectory, long Length, DateTimeOffset LastWriteTime);

    private readonly ConditionalWeakTable<HostedSession, Dictionary<string, Snapshot>> _sessions = [];

    /// <summary>Stores <paramref name="now"/> for the folder and returns what was stored before (null on the first call).</summary>
    public Snapshot? Swap(HostedSession session, string folder, Snapshot now)
    {
        Dictionary<string, Snapshot> folders = _sessions.GetOrCreateValue(session);
        lock (folders)
        {
            folders.Remove(folder, out Snapshot? before);
            if (folders.Count >= MaxWatchedFolders)
                folders.Remove(folders.Keys.First());   // Dictionary keeps insertion order while nothing is removed in between
            folders[folder] = now;
            return before;
        }
    }
}
