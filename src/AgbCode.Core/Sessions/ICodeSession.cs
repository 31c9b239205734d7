using AgbCode.Core.Files;
using AgbCode.Core.Results;

namespace AgbCode.Core.Sessions;

/// <summary>A stateful sandbox: one workspace, one kernel per language, started on first use.</summary>
public interface ICodeSession
{
    string Id { get; }
    string? Name { get; }
    string Image { get; }
    IReadOnlyDictionary<string, string> Labels { get; }
    DateTimeOffset CreatedAt { get; }
    SessionLimits Limits { get; }
    IsolationReport Isolation { get; }
    /// <summary>"local" or the endpoint URL.</summary>
    string Location { get; }
    bool IsClosed { get; }

    /// <summary>The kernels this session has started, with their state.</summary>
    IReadOnlyList<KernelInfo> Kernels { get; }

    /// <summary>
    /// Runs code on the language's kernel. Events reach <paramref name="observer"/> in order, as they are produced; the
    /// returned result holds all of them. A timeout or cancellation does not throw: the result says what happened.
    /// </summary>
    Task<EnhancedCodeExecutionResult> RunAsync(RunRequest request, IRunObserver? observer = null, CancellationToken cancellationToken = default);

    /// <summary>Release the session after this long without a request; null = never.</summary>
    TimeSpan? IdleTimeout { get; }

    /// <summary>Resets the idle timer, as any request does.</summary>
    Task KeepAliveAsync(CancellationToken cancellationToken = default);

    /// <summary>The session's workspace: list, copy in and out, remove.</summary>
    IWorkspaceFiles Files { get; }

    /// <summary>
    /// What the session's processes use now (memory, CPU time), or null when the backend cannot measure it (the default:
    /// a backend that measures overrides this).
    /// </summary>
    Task<SessionUsage?> GetUsageAsync(CancellationToken cancellationToken = default) => Task.FromResult<SessionUsage?>(null);

    /// <summary>Starts the language's kernel now rather than on first use.</summary>
    Task StartKernelAsync(string language, IRunObserver? observer = null, CancellationToken cancellationToken = default);
}
