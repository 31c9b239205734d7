using AgbCode.Core.Errors;


namespace AgbCode.Engine;

/// <summary>The one error for anything asked of a session that has been removed (Core declares it for every backend).</summary>
internal static class SessionClosed
{
    public static AgbException Error(string sessionId) => SessionErrors.Closed(sessionId);
}
