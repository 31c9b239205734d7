using AgbCode.Core.Errors;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;

namespace AgbCode.Client.Routes;

/// <summary>
/// The HTTP routes' common shape: one request per run, bounded by the client's deadline; cancellation abandons the
/// request (the connection drops, so the server sees the client leave); the answer is replayed to the observer.
/// </summary>
internal abstract class HttpRunRoute(AgbClientOptions options) : IRunRoute
{
    public abstract string Name { get; }

    public async Task<EnhancedCodeExecutionResult> RunAsync(RunRequest request, IRunObserver? observer, CancellationToken cancellationToken)
    {
        observer?.OnDiagnostic($"Run: {request.Language} by {Name}.");
        TimeSpan deadline = RunLimits.Deadline(request, options);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(deadline);
        try
        {
            // The transport's own limit is a backstop past the deadline; the deadline is what normally trips.
            return RunLimits.Replay(await CallAsync(request, deadline + TimeSpan.FromSeconds(5), limit.Token).ConfigureAwait(false), observer);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            return cancellationToken.IsCancellationRequested
                ? RunLimits.StoppedWithoutOutput(RunErrorNames.Cancelled, RunLimits.CancelledMessage("the request was abandoned"), observer)
                : RunLimits.StoppedWithoutOutput(RunErrorNames.Timeout, RunLimits.TimedOutMessage(request, options, "the request was abandoned"), observer);
        }
    }

    protected abstract Task<EnhancedCodeExecutionResult> CallAsync(RunRequest request, TimeSpan timeout, CancellationToken cancellationToken);

    protected static Dictionary<string, object> Args(RunRequest request) => new()
    {
        ["code"] = request.Code,
        ["language"] = request.Language,
        ["timeout_s"] = RunLimits.WireTimeout(request),
    };
}
