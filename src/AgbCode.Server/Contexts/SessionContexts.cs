namespace AgbCode.Server.Contexts;

/// <summary>A context mounted into a session at CreateSession (persistenceDataList): its id and the path in the sandbox.</summary>
public sealed record MountedContext(string ContextId, string Path);

/// <summary>A SyncContext as GetContextInfo reports it.</summary>
public sealed record SyncTask(string ContextId, string Path, string TaskType, bool Succeeded, string ErrorMessage, DateTimeOffset At);

/// <summary>
/// A session's contexts: those mounted at its creation, and the last <see cref="MaxTasks"/> SyncContext calls. Contexts
/// are mounted live, so a sync has nothing to copy; it is recorded as done at once (or failed, when the session has no
/// such context) so the SDKs' status polling ends on its first call.
/// </summary>
public sealed class SessionContexts
{
    public const int MaxTasks = 64;
    private readonly Queue<SyncTask> _tasks = new();

    public IReadOnlyList<MountedContext> Mounted { get; private set; } = [];

    public void Mount(IReadOnlyList<MountedContext> mounted) => Mounted = mounted;

    public MountedContext? MountOf(string contextId) => Mounted.FirstOrDefault(m => string.Equals(m.ContextId, contextId, StringComparison.Ordinal));

    public void Record(SyncTask task)
    {
        lock (_tasks)
        {
            _tasks.Enqueue(task);
            while (_tasks.Count > MaxTasks)
                _tasks.Dequeue();
        }
    }

    public IReadOnlyList<SyncTask> Tasks
    {
        get
        {
            lock (_tasks)
                return [.. _tasks];
        }
    }
}
