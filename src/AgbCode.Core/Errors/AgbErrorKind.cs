namespace AgbCode.Core.Errors;

/// <summary>The design's one error model: who has to act.</summary>
public enum AgbErrorKind
{
    /// <summary>The input is wrong (language, path, timeout, code size); nothing ran.</summary>
    BadInput,
    /// <summary>A session or object that was asked for does not exist.</summary>
    NotFound,
    /// <summary>The platform cannot do it (no sandbox, runtime missing, server unreachable, wrong key).</summary>
    Platform,
    /// <summary>The session is busy or in a state that does not allow the operation.</summary>
    InvalidState,
    /// <summary>The endpoint refused the credentials (a missing, wrong or expired key or token).</summary>
    Authentication,
}
