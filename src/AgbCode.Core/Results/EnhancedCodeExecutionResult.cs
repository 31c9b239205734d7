namespace AgbCode.Core.Results;

/// <summary>
/// The AGB SDK's run result, in PascalCase, with conveniences on top (language, session, joined output, main text, flags).
/// </summary>
public sealed class EnhancedCodeExecutionResult
{
    public string RequestId { get; set; } = "";
    public bool Success { get; set; }
    public int? ExecutionCount { get; set; }
    /// <summary>Wall-clock duration of the run, in seconds.</summary>
    public double ExecutionTime { get; set; }
    public ExecutionLogs Logs { get; set; } = new();
    public List<ExecutionResult> Results { get; set; } = [];
    public ExecutionError? Error { get; set; }
    public string ErrorMessage { get; set; } = "";

    // Conveniences, never instead of the AGB fields.
    public string Language { get; set; } = "";
    /// <summary>
    /// The code the program exited with (<see cref="ExitStatus"/>): 0 for a clean exit, which is a success; null when
    /// the code did not call exit.
    /// </summary>
    public int? ExitCode { get; set; }
    public string SessionId { get; set; } = "";
    /// <summary>True when the run printed more than the session's output cap; the rest was discarded.</summary>
    public bool OutputTruncated { get; set; }
    /// <summary>True when this run started a fresh kernel because the previous one died: earlier state is gone.</summary>
    public bool KernelRestarted { get; set; }
    /// <summary>Why the previous kernel was replaced, when <see cref="KernelRestarted"/> is true.</summary>
    public string? KernelRestartReason { get; set; }

    /// <summary>The package a failed run missed, with the fix an operator applies; null for other failures.</summary>
    public MissingPackage? MissingPackage => MissingPackage.Of(this);

    public string Stdout => string.Concat(Logs.Stdout);
    public string Stderr => string.Concat(Logs.Stderr);
    /// <summary>The main result's text, as the AGB SDK's <c>result</c> property picks it.</summary>
    public string? Text =>
        Results.FirstOrDefault(r => r.IsMainResult && r.Text is not null)?.Text ?? Results.FirstOrDefault()?.Text;

    public override string ToString() => Success ? Text ?? Stdout : ErrorMessage;
}
