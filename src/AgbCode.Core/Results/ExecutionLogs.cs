namespace AgbCode.Core.Results;

/// <summary>The run's output chunks, in the order they were produced.</summary>
public sealed class ExecutionLogs
{
    public List<string> Stdout { get; set; } = [];
    public List<string> Stderr { get; set; } = [];
}
