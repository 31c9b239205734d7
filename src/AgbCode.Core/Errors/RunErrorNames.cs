namespace AgbCode.Core.Errors;

/// <summary>
/// The names a failed run's <see cref="Results.ExecutionError"/> carries when the engine or a client ended the run rather
/// than the code (the code's own exceptions keep their language's names). Every backend and the cmdlets read them.
/// </summary>
public static class RunErrorNames
{
    public const string Timeout = "TimeoutError";
    public const string Cancelled = "CancelledError";
    public const string KernelDied = "KernelDiedError";
    public const string OutOfMemory = "OutOfMemoryError";
    public const string KernelStart = "KernelStartError";
    public const string KernelProtocol = "KernelProtocolError";
    public const string SessionClosed = "SessionClosedError";
    /// <summary>A failure with no better name: an endpoint's answer without one, or a run that failed without saying why.</summary>
    public const string Execution = "ExecutionError";
    public const string Unknown = "UnknownError";
    /// <summary>The run's variables or arguments could not be defined, so its code did not run.</summary>
    public const string Variable = "VariableError";
}
