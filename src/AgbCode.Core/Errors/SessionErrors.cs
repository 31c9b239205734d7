namespace AgbCode.Core.Errors;

/// <summary>The errors about sessions, their sandboxes and their settings, declared once for every backend.</summary>
public static class SessionErrors
{
    public const string SessionClosed = "AgbSessionClosed";
    public const string SessionNotFound = "AgbSessionNotFound";
    public const string SessionNameAmbiguous = "AgbSessionNameAmbiguous";
    public const string TooManySessions = "AgbTooManySessions";
    public const string LanguageUnavailable = "AgbLanguageUnavailable";
    public const string RuntimeMissing = "AgbRuntimeMissing";
    public const string KernelStartFailed = "AgbKernelStartFailed";
    public const string SandboxUnavailable = "AgbSandboxUnavailable";
    public const string WorkspaceUnavailable = "AgbWorkspaceUnavailable";
    public const string DiskReserve = "AgbDiskReserve";
    public const string DiskReserveInvalid = "AgbDiskReserveInvalid";
    public const string IsolationNotRemote = "AgbIsolationNotRemote";
    public const string InvalidLabel = "AgbInvalidLabel";
    public const string ReservedLabel = "AgbReservedLabel";
    public const string InvalidLimit = "AgbInvalidLimit";
    public const string InvalidEnvironment = "AgbInvalidEnvironment";
    public const string EnvironmentNotSupported = "AgbEnvironmentNotSupported";
    public const string InvalidNetworkEntry = "AgbInvalidNetworkEntry";
    public const string NetworkListTooLong = "AgbNetworkListTooLong";
    public const string NetworkNameUnresolved = "AgbNetworkNameUnresolved";
    public const string NetworkNeedsSandbox = "AgbNetworkNeedsSandbox";
    public const string NetworkUnavailable = "AgbNetworkUnavailable";
    public const string RemoveTimeout = "AgbRemoveTimeout";
    public const string RemoveFailed = "AgbRemoveFailed";
    public const string PoolSettingInvalid = "AgbPoolSettingInvalid";
    public const string DeleteTimeout = "AgbDeleteTimeout";

    /// <summary>The one error for anything asked of a session that has been removed, on every backend.</summary>
    public static AgbException Closed(string sessionId) => new(AgbErrorKind.InvalidState, SessionClosed,
        $"The session {sessionId} has been removed.", "Create a new session (New-AgbSession).");
}
