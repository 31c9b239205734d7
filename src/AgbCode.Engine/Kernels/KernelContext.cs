using AgbCode.Core.Sessions;
using AgbCode.Engine.Sandbox;
using AgbCode.Engine.Sandbox.Cgroups;

namespace AgbCode.Engine.Kernels;

/// <summary>What a kernel (and any other process of the session) needs from its session and engine.</summary>
internal sealed record KernelContext
{
    public required string SessionId { get; init; }
    public required SessionLimits Limits { get; init; }
    public required string WorkspacePath { get; init; }
    /// <summary>The session's shared /tmp on the host (null: each sandbox gets a private one).</summary>
    public string? TmpPath { get; init; }
    public required string DriversDir { get; init; }
    public required uint? Uid { get; init; }
    public required int ProcessLimit { get; init; }
    public required CgroupGroup? SessionCgroup { get; init; }
    public required Platform.EngineLedger Ledger { get; init; }
    public required Spawner Spawner { get; init; }
    /// <summary>How the session's processes start under its isolation mode.</summary>
    public required ISessionLauncher Launcher { get; init; }
    /// <summary>The session's image: the extra library folder its sandboxes mount.</summary>
    public Images.CodeImage Image { get; init; } = new(SessionOptions.DefaultImage, null);
    /// <summary>The session's environment variables, over the sandbox's and the driver's.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>The session's network allow-list, given to its kernels; null: no network.</summary>
    public SandboxNetwork? Network { get; init; }
    /// <summary>The session's contexts, bound into each of its sandboxes.</summary>
    public IReadOnlyList<SandboxBind> ContextBinds { get; init; } = [];
}
