using AgbCode.Core.Errors;


namespace AgbCode.Core.Values;

/// <summary>Bounds on the variables a run passes in: their JSON's total size and nesting depth.</summary>
public sealed record ValueLimits
{
    public const int DefaultMaxBytes = 1024 * 1024;
    public const int DefaultMaxDepth = 32;
    /// <summary>Environment variables the PowerShell module reads the settings from.</summary>
    public const string MaxBytesSetting = "AGBCODE_MAX_VARIABLE_BYTES";
    public const string MaxDepthSetting = "AGBCODE_MAX_VARIABLE_DEPTH";

    public static ValueLimits Default { get; } = new();

    public int MaxBytes { get; init; } = DefaultMaxBytes;
    public int MaxDepth { get; init; } = DefaultMaxDepth;

    public AgbException TooLarge(string name) => new(AgbErrorKind.BadInput, RunErrors.VariableTooLarge,
        $"The variables passed to the run are larger than {MaxBytes} bytes of JSON (at '{name}').",
        $"Pass less data, write it to a file in the session (Copy-AgbItem) and read it there, or raise the limit: $env:{MaxBytesSetting} = <bytes>.");

    public AgbException TooDeep(string name) => new(AgbErrorKind.BadInput, RunErrors.VariableTooDeep,
        $"The variable '{name}' is nested more than {MaxDepth} levels deep (an object that refers to itself never ends).",
        $"Pass plain data (e.g. Select-Object the properties you need), or raise the limit: $env:{MaxDepthSetting} = <levels>.");

    /// <summary>Checks variables that are already JSON against both bounds.</summary>
    public void Check(IReadOnlyDictionary<string, System.Text.Json.JsonElement> variables)
    {
        long total = 0;
        foreach (var (name, value) in variables)
        {
            total += System.Text.Encoding.UTF8.GetByteCount(name) + value.GetRawText().Length;
            if (total > MaxBytes)
                throw TooLarge(name);
            if (Depth(value) > MaxDepth)
                throw TooDeep(name);
        }
    }

    private static int Depth(System.Text.Json.JsonElement value) => value.ValueKind switch
    {
        System.Text.Json.JsonValueKind.Array => 1 + value.EnumerateArray().Select(Depth).DefaultIfEmpty(0).Max(),
        System.Text.Json.JsonValueKind.Object => 1 + value.EnumerateObject().Select(p => Depth(p.Value)).DefaultIfEmpty(0).Max(),
        _ => 0,
    };
}
