using System.Collections.Concurrent;
using AgbCode.Core.Errors;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Kernels;

namespace AgbCode.Engine.Tests.Support;

/// <summary>A run controller whose kernels are <see cref="FakeDriver"/>s, each running the same script: no sandbox, no runtime.</summary>
internal sealed class FakeKernel : IAsyncDisposable
{
    public const string Language = "fake";

    /// <param name="killWait">How long a killed kernel may take to be gone.</param>
    /// <param name="firstOutlivesKill">The first kernel's kill is recorded, and it exits only when the test says.</param>
    public FakeKernel(Func<FakeDriver, Task> script, TimeSpan? interruptGrace = null, int? strays = 0, TimeSpan? killWait = null,
        bool firstOutlivesKill = false)
    {
        Controller = new RunController(new KernelSettings
        {
            Language = Language,
            SessionId = "s-fake",
            Limits = new SessionLimits { InterruptGrace = interruptGrace ?? TimeSpan.FromMinutes(5), OutputBytes = 64 * 1024 },
            StartTimeout = TimeSpan.FromMinutes(5),
            KillWait = killWait ?? TimeSpan.FromMinutes(5),
            Launch = start =>
            {
                var driver = new FakeDriver(script) { Strays = strays, ExitsWhenKilled = !(firstOutlivesKill && start == 1) };
                Started.Enqueue(driver);
                return Task.FromResult<IKernelProcess>(driver);
            },
            StartFailed = what => new AgbException(AgbErrorKind.Platform, "AgbKernelStartFailed", $"The fake kernel {what}.", "None."),
        });
    }

    public RunController Controller { get; }

    /// <summary>Every driver started, in order.</summary>
    public ConcurrentQueue<FakeDriver> Started { get; } = new();

    public FakeDriver Driver(int index) => Started.ElementAt(index);

    public Task<EnhancedCodeExecutionResult> RunAsync(string code, IRunObserver? observer = null, double timeoutSec = 300,
        CancellationToken cancellationToken = default) =>
        Controller.RunAsync(new RunRequest(code, Language, timeoutSec), observer, cancellationToken);

    public ValueTask DisposeAsync() => Controller.DisposeAsync();
}
