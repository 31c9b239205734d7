using AgbCode.Core.Errors;
using AgbCode.Core.Languages;

namespace AgbCode.Core.Sessions;

/// <summary>One run: code, its language (any alias) and the wall-clock timeout.</summary>
public sealed record RunRequest(string Code, string Language, double TimeoutSec = RunRequest.DefaultTimeoutSec)
{
    /// <summary>Native variables defined in the kernel before the code runs, by name, as JSON values.</summary>
    public IReadOnlyDictionary<string, System.Text.Json.JsonElement> Variables { get; init; } = new Dictionary<string, System.Text.Json.JsonElement>();
    /// <summary>The script's arguments (<c>sys.argv[1:]</c>, <c>commandArgs(trailingOnly = TRUE)</c>, …), for file runs.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
    /// <summary>The script's file name when the code came from a file: its <c>__file__</c>, <c>argv[0]</c> and traceback name.</summary>
    public string? SourcePath { get; init; }
    /// <summary>Bounds on <see cref="Variables"/>.</summary>
    public Values.ValueLimits VariableLimits { get; init; } = Values.ValueLimits.Default;

    public const double DefaultTimeoutSec = 60;
    public const double MaxTimeoutSec = 24 * 60 * 60;
    /// <summary>Largest code accepted, in UTF-8 bytes.</summary>
    public const int MaxCodeBytes = 4 * 1024 * 1024;

    /// <summary>The code with every lone surrogate (text that is not valid Unicode) replaced by U+FFFD.</summary>
    private static string WellFormed(string code)
    {
        if (!code.Any(char.IsSurrogate))
            return code;
        var builder = new System.Text.StringBuilder(code.Length);
        for (int i = 0; i < code.Length; i++)
        {
            if (char.IsHighSurrogate(code[i]) && i + 1 < code.Length && char.IsLowSurrogate(code[i + 1]))
                builder.Append(code[i]).Append(code[++i]);
            else
                builder.Append(char.IsSurrogate(code[i]) ? '\uFFFD' : code[i]);
        }
        return builder.ToString();
    }

    /// <summary>Checks the request and returns it with the canonical language, or throws a bad-input error.</summary>
    public RunRequest Validated()
    {
        string language = LanguageRules.Normalize(Language);
        if (string.IsNullOrWhiteSpace(Code))
            throw new AgbException(AgbErrorKind.BadInput, RunErrors.EmptyCode, "The code is empty.", "Pass the code to run, or a file with -Path.");
        if (Code.Contains('\0', StringComparison.Ordinal))
            throw new AgbException(AgbErrorKind.BadInput, RunErrors.InvalidCode,
                "The code contains NUL characters; source code in none of the languages can hold them.",
                "Remove them (a file read with the wrong encoding, e.g. UTF-16 without a BOM, shows them).");
        if (System.Text.Encoding.UTF8.GetByteCount(Code) > MaxCodeBytes)
            throw new AgbException(AgbErrorKind.BadInput, RunErrors.CodeTooLarge,
                $"The code is larger than {MaxCodeBytes / (1024 * 1024)} MiB.",
                "Write large data to a file in the session's workspace and read it from a smaller program.");
        if (double.IsNaN(TimeoutSec) || TimeoutSec <= 0 || TimeoutSec > MaxTimeoutSec)
            throw new AgbException(AgbErrorKind.BadInput, RunErrors.InvalidTimeout,
                $"The timeout must be more than 0 and at most {MaxTimeoutSec:0} seconds; got {TimeoutSec}.",
                "Pass a positive number of seconds, e.g. 60.");
        foreach (string name in Variables.Keys)
            Values.VariableNames.Check(language, name);
        VariableLimits.Check(Variables);
        if (Arguments.Any(a => a is null || a.Contains('\0', StringComparison.Ordinal)))
            throw new AgbException(AgbErrorKind.BadInput, RunErrors.InvalidArgument,
                "An argument is null or contains a NUL character, which no program's argument can hold.",
                "Pass strings without NUL characters in -ArgumentList.");
        return this with { Language = language, Code = WellFormed(Code) };
    }
}
