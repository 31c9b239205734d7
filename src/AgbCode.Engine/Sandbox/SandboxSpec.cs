using AgbCode.Core.Sessions;

namespace AgbCode.Engine.Sandbox;

/// <summary>Everything one kernel's sandbox needs: who it runs as, where it is accounted, what it sees and runs.</summary>
internal sealed record SandboxSpec
{
    /// <summary>The host uid for the code; null keeps the engine's own uid (non-root engine).</summary>
    public required uint? Uid { get; init; }
    public required IReadOnlyList<string> CgroupProcsFiles { get; init; }
    public required SessionLimits Limits { get; init; }
    /// <summary>RLIMIT_NPROC: per host uid, so exact with per-session uids and a shared budget without.</summary>
    public required int ProcessLimit { get; init; }
    public required string WorkspacePath { get; init; }
    /// <summary>The session's /tmp on the host, shared by its sandboxes; null gives this sandbox a private tmpfs.</summary>
    public string? TmpPath { get; init; }
    public required IReadOnlyList<string> Command { get; init; }
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>Host paths (under /etc) a runtime needs, bound read-only when they exist.</summary>
    public IReadOnlyList<string> ReadOnlyEtc { get; init; } = [];
    /// <summary>The image's extra library folder on the host (checked by ImageFolderCheck), bound read-only; null: none.</summary>
    public string? ImageFolder { get; init; }
    /// <summary>The session's network allow-list; null keeps the sandbox without any network.</summary>
    public SandboxNetwork? Network { get; init; }
    /// <summary>Host folders bound read-write at their sandbox paths, after the workspace (the session's contexts).</summary>
    public IReadOnlyList<SandboxBind> Binds { get; init; } = [];
}

/// <summary>A host folder bound read-write into a sandbox (a context's files at the path the session asked for).</summary>
internal sealed record SandboxBind(string HostPath, string SandboxPath);
