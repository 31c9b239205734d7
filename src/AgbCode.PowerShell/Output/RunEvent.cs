using AgbCode.Core.Results;

namespace AgbCode.PowerShell.Output;

/// <summary>Something a run produced, on its way from the engine's thread to the pipeline thread.</summary>
internal readonly record struct RunEvent(RunEventKind Kind, string? Text = null, ExecutionResult? Result = null, ExecutionError? Error = null);

internal enum RunEventKind
{
    Stdout,
    Stderr,
    Result,
    Error,
    Diagnostic,
}
