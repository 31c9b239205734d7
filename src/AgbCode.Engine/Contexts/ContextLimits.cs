using System.Globalization;
using AgbCode.Core.Contexts;
using AgbCode.Core.Errors;
using AgbCode.Engine.Kernels;

namespace AgbCode.Engine.Contexts;

/// <summary>
/// The local engine's limits on contexts: the size of each new context's volume (root engine) and how many contexts a
/// tenant may keep. Defaults, overridden by AGBCODE_CONTEXT_SIZE_MB and AGBCODE_CONTEXTS_PER_TENANT or by the engine's options.
/// </summary>
public sealed record ContextLimits
{
    public const string SizeVariable = "AGBCODE_CONTEXT_SIZE_MB";
    public const string CountVariable = "AGBCODE_CONTEXTS_PER_TENANT";
    public const long DefaultSizeBytes = 1L << 30;
    public const int DefaultPerTenant = 20;

    /// <summary>The size of each new context (fixed when it is made); a non-root engine cannot cap it.</summary>
    public long SizeBytes { get; init; } = DefaultSizeBytes;
    public int PerTenant { get; init; } = DefaultPerTenant;

    public static ContextLimits FromEnvironment() => new()
    {
        SizeBytes = Read(SizeVariable, DefaultSizeBytes >> 20, minimum: 8) << 20,
        PerTenant = (int)Read(CountVariable, DefaultPerTenant, minimum: 1),
    };

    private static long Read(string variable, long fallback, long minimum)
    {
        string? text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value >= minimum && value <= int.MaxValue
            ? value
            : throw new AgbException(AgbErrorKind.BadInput, ContextErrors.LimitId,
                $"{variable} is '{InertValue(text)}', which is not a whole number from {minimum} up.",
                $"Set {variable} to a number such as {fallback}, or remove it for the default.");
    }

    private static string InertValue(string text) => Core.Display.InertText.OneLine(text, 40);

    internal AgbException TooMany(int count) => new(AgbErrorKind.InvalidState, ContextErrors.LimitId,
        $"No new context: this tenant has {count} contexts, the most it may keep ({PerTenant}).",
        $"Remove contexts you no longer need (Remove-AgbContext), or raise the cap with {CountVariable} (on a server: its operator).");

    internal static AgbException Full(string context, long? sizeBytes, AgbException cause) => new(AgbErrorKind.InvalidState, Core.Contexts.ContextErrors.FullId,
        $"Context '{Core.Display.InertText.OneLine(context, 80)}' is full" + (sizeBytes is long size ? $" (its size cap is {Sizes.Format(size)})" : "")
        + ". Nothing of that file was kept; the context's other files are unchanged.",
        $"Remove files from it, or make a new context with more room: {SizeVariable} sets the size of contexts made after it (in MiB).", cause);
}
