using AgbCode.Core.Errors;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;

namespace AgbCode.Client.Routes;

/// <summary>What the routes share: the wire timeout, the client's deadline, and the results of a client-side stop.</summary>
internal static class RunLimits
{
    /// <summary>The AGB wire carries whole seconds.</summary>
    public static int WireTimeout(RunRequest request) => Math.Max(1, (int)Math.Ceiling(request.TimeoutSec));

    /// <summary>How long the client waits for a run: its timeout plus the grace the endpoint gets to report it.</summary>
    public static TimeSpan Deadline(RunRequest request, AgbClientOptions options) => TimeSpan.FromSeconds(request.TimeoutSec) + options.RunGrace;

    public static string CancelledMessage(string how) =>
        $"The run was cancelled: {how}, which stops it on an endpoint that cancels on disconnect (the AgbCode server does).";

    public static string TimedOutMessage(RunRequest request, AgbClientOptions options, string how) =>
        $"The endpoint did not finish the run within its {request.TimeoutSec:0.###} s timeout plus {options.RunGrace.TotalSeconds:0.###} s: {how}.";

    /// <summary>A run the client stopped before any answer came (HTTP routes): no output, the error says why.</summary>
    public static EnhancedCodeExecutionResult StoppedWithoutOutput(string name, string message, IRunObserver? observer)
    {
        var error = new ExecutionError { Name = name, Value = message };
        observer?.OnError(error);
        return new EnhancedCodeExecutionResult { Success = false, Error = error, ErrorMessage = error.ToString() };
    }

    /// <summary>Tells the observer what an HTTP route got in one piece, in the result's order.</summary>
    public static EnhancedCodeExecutionResult Replay(EnhancedCodeExecutionResult result, IRunObserver? observer)
    {
        if (observer is null)
            return result;
        foreach (string chunk in result.Logs.Stdout)
            observer.OnStdout(chunk);
        foreach (string chunk in result.Logs.Stderr)
            observer.OnStderr(chunk);
        foreach (ExecutionResult item in result.Results)
            observer.OnResult(item);
        if (result.Error is not null)
            observer.OnError(result.Error);
        return result;
    }
}
