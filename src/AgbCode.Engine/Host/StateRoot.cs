using AgbCode.Engine.Native;

namespace AgbCode.Engine.Host;

/// <summary>
/// The host-wide folder every engine on this machine shares: the allocation lock, session slots, engine ledgers,
/// workspaces and the runtime files (drivers, scripts, seccomp program). Root engines use /var/lib/agbcode.
/// </summary>
internal sealed class StateRoot
{
    public const string OverrideVariable = "AGBCODE_STATE_DIR";

    private StateRoot(string path, bool isRoot)
    {
        Path = path;
        IsRoot = isRoot;
    }

    public string Path { get; }
    public bool IsRoot { get; }
    public string LockFile => Combine("lock");
    public string EnginesDir => Combine("engines");
    public string SlotsDir => Combine("slots");
    public string WorkspacesDir => Combine("ws");
    public string ImagesDir => Combine("images");
    public string RuntimeParentDir => Combine("runtime");

    public static StateRoot Resolve()
    {
        bool isRoot = Libc.IsRoot;
        string? configured = Environment.GetEnvironmentVariable(OverrideVariable);
        string path = !string.IsNullOrWhiteSpace(configured) ? System.IO.Path.GetFullPath(configured)
            : isRoot ? "/var/lib/agbcode"
            : Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtimeDir ? System.IO.Path.Combine(runtimeDir, "agbcode")
            : $"/tmp/agbcode-{Libc.geteuid()}";
        var root = new StateRoot(path, isRoot);
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
