namespace AgbCode.Core.Sessions;

/// <summary>What a new session should look like.</summary>
public sealed record SessionOptions
{
    public const string DefaultImage = "agb-code-space-1";

    public string? Name { get; init; }
    public string Image { get; init; } = DefaultImage;
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    public SessionLimits Limits { get; init; } = SessionLimits.Default;
    /// <summary>Languages whose kernels start at creation instead of on first use.</summary>
    public IReadOnlyList<string> StartLanguages { get; init; } = [];
    /// <summary>
    /// The language of the run the session is made for, when the caller knows it (Invoke-AgbCode without -Session). The
    /// local engine starts its kernel at creation, as for <see cref="StartLanguages"/>, so a spare session made ahead
    /// with that kernel running can serve; a remote endpoint starts it with that run rather than with a run of its own.
    /// </summary>
    public string? RunLanguage { get; init; }
    /// <summary>Release the session after this long without a request; null = never (local default).</summary>
    public TimeSpan? IdleTimeout { get; init; }
    public IsolationMode Isolation { get; init; } = IsolationMode.Sandbox;
    /// <summary>Environment variables of the session's kernels (nothing is inherited from the host).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>What the session's code may reach on the network; empty (the default) means no network at all.</summary>
    public NetworkAllowList Network { get; init; } = NetworkAllowList.None;
    /// <summary>Contexts mounted into the session, read-write, each at its own path (none by default).</summary>
    public IReadOnlyList<Contexts.ContextMount> Contexts { get; init; } = [];
    /// <summary>
    /// Whose contexts <see cref="Contexts"/> names: a server's tenant; null = the engine's own user. A context of
    /// another tenant answers as a missing one.
    /// </summary>
    public string? Tenant { get; init; }
    /// <summary>
    /// The session's id as its caller knows it, when that is not the engine's own (a server's API id): the contexts it
    /// mounts name it as their holder (MountedBy, AgbContextInUse). Null = the engine's id.
    /// </summary>
    public string? ContextHolder { get; init; }
}

public enum IsolationMode
{
    /// <summary>Every kernel runs in a bubblewrap sandbox with the session's limits (the default).</summary>
    Sandbox,
    /// <summary>No sandbox: kernels run as the engine's user. For trusted code only; must be asked for explicitly.</summary>
    None,
}
