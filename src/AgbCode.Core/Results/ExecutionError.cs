namespace AgbCode.Core.Results;

/// <summary>Why a run failed: the error's name (e.g. NameError, TimeoutError), its message and its traceback.</summary>
public sealed class ExecutionError
{
    public string Name { get; set; } = "";
    public string Value { get; set; } = "";
    public string Traceback { get; set; } = "";

    public override string ToString() => Value.Length == 0 ? Name : $"{Name}: {Value}";
}
