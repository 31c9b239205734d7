using AgbCode.Core.Errors;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Core.Values;
using AgbCode.Engine.Kernels.Drivers;

namespace AgbCode.Engine.Kernels;

/// <summary>
/// One language's long-lived driver process in its session's sandbox. Runs are serialized; a timeout or cancel interrupts
/// (SIGINT, state kept) and kills after the grace period (state lost); a kernel that died is replaced on the next run,
/// which is told so. The work is the <see cref="RunController"/>'s; this wires it to the session and the language's driver.
/// </summary>
internal sealed class Kernel : IAsyncDisposable
{
    private readonly RunController _controller;

    public Kernel(KernelContext context, LanguageDriver driver)
    {
        Language = driver.Language;
        _controller = new RunController(new KernelSettings
        {
            Language = driver.Language,
            SessionId = context.SessionId,
            Limits = context.Limits,
            StartTimeout = driver.StartTimeout,
            Launch = generation => KernelProcess.StartAsync(context, driver, generation),
            DiedOfMemory = driver.DiedOfMemory,
            StartFailed = what => StartFailed(driver, what),
        });
    }

    public string Language { get; }
    public KernelInfo Info => new(Language, _controller.State, _controller.ExecutionCount, _controller.Runtime);

    public Task<EnhancedCodeExecutionResult> RunAsync(RunRequest request, IRunObserver? observer, CancellationToken cancellationToken) =>
        _controller.RunAsync(request, observer, cancellationToken);

    public Task EnsureStartedAsync(IRunObserver? observer, CancellationToken cancellationToken) =>
        _controller.EnsureStartedAsync(observer, cancellationToken);

    public ValueTask DisposeAsync() => _controller.DisposeAsync();

    private static AgbException StartFailed(LanguageDriver driver, string what) => new(AgbErrorKind.Platform, SessionErrors.KernelStartFailed,
        $"The {driver.Language} kernel {what}.",
        driver.IsInstalled
            ? "Check the runtime with Get-AgbLanguage; run ./build.ps1 -Task Bootstrap to install what is missing."
            : $"{driver.Executable} is missing: install {driver.Package} (./build.ps1 -Task Bootstrap does it).");
}
