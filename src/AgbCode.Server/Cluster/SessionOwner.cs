using AgbCode.Server.Api;

namespace AgbCode.Server.Cluster;

/// <summary>
/// A session id names the instance that holds it: "session-" + the instance id + "-" + 16 random characters
/// (<see cref="Sessions.SessionRegistry"/> makes them). Ids stay plain lowercase letters, digits and dashes, as the SDKs expect.
/// </summary>
public static class SessionOwner
{
    /// <summary>The instance part of a session id; null when the id is not one an instance made.</summary>
    public static string? InstanceOf(string? sessionId) => Core.Sessions.SessionIds.InstanceOf(sessionId);

    /// <summary>The answer for a session whose instance does not answer: not found, naming the instance and why.</summary>
    public static ApiError Gone(string sessionId, string instanceId) => new(400, ApiError.NotFoundCode,
        $"Session {sessionId} not found: it was held by instance '{instanceId}', which does not answer (it stopped, restarted, or is " +
        "not among AGBCODE_PEERS), and a session lives only on its instance, so it is lost. Create a new session; new sessions go to the instances that answer.");
}
