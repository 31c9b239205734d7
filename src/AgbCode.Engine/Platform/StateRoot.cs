using AgbCode.Engine.Native;

namespace AgbCode.Engine.Platform;

/// <summary>
/// The host-wide folder every engine on this machine shares: the allocation lock, session slots, engine ledgers and
/// the runtime files (drivers, scripts, seccomp program). Root engines use /var/lib/agbcode; it is fixed so that every
/// engine on the host allocates from the same slots. Workspaces (folders and volume images) go under it too, unless
/// AGBCODE_WORKSPACE_DIR puts them on another volume.
/// </summary>
internal sealed class StateRoot
{
    public const string WorkspaceVariable = "AGBCODE_WORKSPACE_DIR";

    private StateRoot(string path, string workspaceRoot, bool isRoot)
    {
        Path = path;
        WorkspaceRoot = workspaceRoot;
        IsRoot = isRoot;
    }

    public string Path { get; }
    /// <summary>Where workspaces and their volume images live (their disk space is the sessions' disk space).</summary>
    public string WorkspaceRoot { get; }
    public bool IsRoot { get; }
    public string LockFile => Combine("lock");
    /// <summary>The slots freed last, held back from reuse for a while (written under the host lock).</summary>
    public string RecentSlotsFile => Combine("recent-slots");
    public string EnginesDir => Combine("engines");
    public string SlotsDir => Combine("slots");
    public string WorkspacesDir => System.IO.Path.Combine(WorkspaceRoot, "ws");
    public string ImagesDir => System.IO.Path.Combine(WorkspaceRoot, "images");
    public string RuntimeParentDir => Combine("runtime");

    public static StateRoot Resolve()
    {
        bool isRoot = Libc.IsRoot;
        string path = isRoot ? "/var/lib/agbcode"
            : Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtimeDir ? System.IO.Path.Combine(runtimeDir, "agbcode")
            : $"/tmp/agbcode-{Libc.geteuid()}";
        string? workspaces = Environment.GetEnvironmentVariable(WorkspaceVariable);
        var root = new StateRoot(path, string.IsNullOrWhiteSpace(workspaces) ? path : System.IO.Path.GetFullPath(workspaces), isRoot);
        root.Create();
        return root;
    }

    private string Combine(string name) => System.IO.Path.Combine(Path, name);

    private void Create()
    {
        // Root: sessions run as other uids and must traverse to their workspace, never list it. Non-root: one uid, all private.
        UnixFileMode traverse = IsRoot ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                                         | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute
                                       : Private;
        EnsureDirectory(Path, traverse);
        EnsureDirectory(WorkspaceRoot, traverse);
        EnsureDirectory(EnginesDir, Private);
        EnsureDirectory(SlotsDir, Private);
        EnsureDirectory(ImagesDir, Private);
        EnsureDirectory(WorkspacesDir, traverse);
        EnsureDirectory(RuntimeParentDir, IsRoot ? Readable : Private);
    }

    public const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode Readable = Private | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
                                         | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Creates the directory with this mode, refusing one that is a symlink or belongs to someone else.</summary>
    public static void EnsureDirectory(string path, UnixFileMode mode)
    {
        Directory.CreateDirectory(path, mode);
        var info = new DirectoryInfo(path);
        if (info.LinkTarget is not null)
            throw new IOException($"{path} is a symbolic link; AgbCode will not use it. Remove it and try again.");
        File.SetUnixFileMode(path, mode);
    }
}
