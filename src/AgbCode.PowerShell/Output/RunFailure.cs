using System.Management.Automation;
using AgbCode.Core.Display;
using AgbCode.Core.Errors;
using AgbCode.Core.Results;

namespace AgbCode.PowerShell.Output;

/// <summary>
/// The non-terminating error written after a failed run's result. Its ErrorId names the kind of failure (public API,
/// listed in about_AgbCode) and its target is the result, so try/catch still reaches the output. Its message quotes the
/// sandbox's error, so it is inert on a terminal; <see cref="Result"/> keeps the error exact.
/// </summary>
public sealed class AgbRunFailedException(EnhancedCodeExecutionResult result)
    : RuntimeException(InertText.Of($"{result.Language}: {result.ErrorMessage}"))
{
    public EnhancedCodeExecutionResult Result { get; } = result;
}

internal static class RunFailure
{
    /// <param name="advice">What to do about the failure, when the caller knows (a file it could have sent).</param>
    public static ErrorRecord For(EnhancedCodeExecutionResult result, string? advice = null)
    {
        var (errorId, category) = result.Error?.Name switch
        {
            RunErrorNames.Timeout => (RunErrors.ExecutionTimeout, ErrorCategory.OperationTimeout),
            RunErrorNames.Cancelled => (RunErrors.ExecutionCancelled, ErrorCategory.OperationStopped),
            RunErrorNames.OutOfMemory => (RunErrors.OutOfMemory, ErrorCategory.LimitsExceeded),
            RunErrorNames.KernelDied or RunErrorNames.KernelProtocol => (RunErrors.KernelDied, ErrorCategory.ResourceUnavailable),
            RunErrorNames.SessionClosed => (SessionErrors.SessionClosed, ErrorCategory.ResourceUnavailable),
            _ when result.ExitCode is not null => (RunErrors.ExitCode, ErrorCategory.NotSpecified),
            _ => (RunErrors.ExecutionFailed, ErrorCategory.NotSpecified),
        };
        var record = new ErrorRecord(new AgbRunFailedException(result), errorId, category, result);
        // The error view names the target by its ToString(), which is the run's own output.
        record.CategoryInfo.TargetName = InertText.Of($"{result.Language} run in session {result.SessionId}");
        string? fix = advice ?? result.MissingPackage?.Fix;   // advice names a file that is here: more precise than an image's package
        string? details = result.Error?.Traceback.TrimEnd() is { Length: > 0 } traceback   // what a host and Get-Error show
            ? traceback.Contains(result.ErrorMessage, StringComparison.Ordinal)
                ? $"{result.Language}:\n{traceback}"
                : $"{result.Language}: {result.ErrorMessage}\n{traceback}"
            : fix is null ? null : $"{result.Language}: {result.ErrorMessage}";
        if (details is not null)
            record.ErrorDetails = new ErrorDetails(InertText.Of(details))   // the host shows the fix once, as its Recommendation
            {
                RecommendedAction = fix,
            };
        return record;
    }
}
