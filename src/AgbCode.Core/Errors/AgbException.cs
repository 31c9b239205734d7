namespace AgbCode.Core.Errors;

/// <summary>
/// An error that names its cause and its fix. <see cref="ErrorId"/> is stable public API (PowerShell uses it as the ErrorId).
/// </summary>
public class AgbException : Exception
{
    public AgbException(AgbErrorKind kind, string errorId, string message, string? fix = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        ErrorId = errorId;
        Fix = fix;
    }

    public AgbErrorKind Kind { get; }
    public string ErrorId { get; }
    public string? Fix { get; }

    /// <summary>The message followed by the fix, for places that show one line of text.</summary>
    public string MessageWithFix => Fix is null ? Message : $"{Message} {Fix}";
}
