using AgbCode.Core.Errors;
using AgbCode.Core.Values;

namespace AgbCode.PowerShell.Values;

/// <summary>The -Variable limits: the defaults, or what $env:AGBCODE_MAX_VARIABLE_BYTES / _DEPTH say.</summary>
internal static class ValueSettings
{
    public static ValueLimits Current() => new()
    {
        MaxBytes = Read(ValueLimits.MaxBytesSetting, ValueLimits.DefaultMaxBytes, 1, 1024 * 1024 * 1024),
        MaxDepth = Read(ValueLimits.MaxDepthSetting, ValueLimits.DefaultMaxDepth, 1, 256),
    };

    /// <summary>A whole-number setting from the environment, else <paramref name="fallback"/>; out of range is refused, naming it.</summary>
    internal static int Read(string setting, int fallback, int min, int max)
    {
        string? text = Environment.GetEnvironmentVariable(setting);
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        if (int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int value) && value >= min && value <= max)
            return value;
        throw new AgbException(AgbErrorKind.BadInput, LocalErrors.InvalidSetting,
            $"${{env:{setting}}} is '{text}', which is not a whole number from {min} to {max}.",
            $"Set it to such a number, or remove it to get the default ({fallback}).");
    }
}
