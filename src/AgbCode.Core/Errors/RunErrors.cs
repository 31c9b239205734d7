namespace AgbCode.Core.Errors;

/// <summary>The errors about runs: a request refused before it runs, and the ids of a failed run's error record (RunErrorNames maps a run's error name to one).</summary>
public static class RunErrors
{
    public const string EmptyCode = "AgbEmptyCode";
    public const string CodeTooLarge = "AgbCodeTooLarge";
    public const string InvalidArgument = "AgbInvalidArgument";
    public const string InvalidCode = "AgbInvalidCode";
    public const string InvalidTimeout = "AgbInvalidTimeout";
    public const string UnsupportedLanguage = "AgbUnsupportedLanguage";
    public const string LanguageRequired = "AgbLanguageRequired";
    public const string LanguageUnknown = "AgbLanguageUnknown";
    public const string InvalidVariableName = "AgbInvalidVariableName";
    public const string BadVariableName = "AgbBadVariableName";
    public const string VariableTooDeep = "AgbVariableTooDeep";
    public const string VariableTooLarge = "AgbVariableTooLarge";
    public const string BadTimeout = "AgbBadTimeout";
    public const string ExecutionTimeout = "AgbExecutionTimeout";
    public const string ExecutionCancelled = "AgbExecutionCancelled";
    public const string OutOfMemory = "AgbOutOfMemory";
    public const string KernelDied = "AgbKernelDied";
    public const string ExitCode = "AgbExitCode";
    public const string ExecutionFailed = "AgbExecutionFailed";
}
