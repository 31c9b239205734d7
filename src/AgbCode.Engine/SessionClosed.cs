using AgbCode.Core.Errors;

namespace AgbCode.Engine;

/// <summary>The one error for anything asked of a session that has been removed.</summary>
internal static class SessionClosed
{
    public static AgbException Error(string sessionId) => new(AgbErrorKind.InvalidState, "AgbSessionClosed",
        $"The session {sessionId} has been removed.", "Create a new session (New-AgbSession).");
}
