using AgbCode.Core.Errors;


namespace AgbCode.Client;

/// <summary>The client's errors: each names the endpoint (never the key), the cause and the fix.</summary>
internal static class AgbErrors
{

    public static AgbException Connection(string endpoint, string cause, Exception? inner = null) => new(
        AgbErrorKind.Platform, RemoteErrors.ConnectionFailed, $"Cannot reach the AGB endpoint {endpoint}: {cause}.",
        $"Check the endpoint (-Endpoint or $env:{AgbEndpoint.EndpointVariable}), that the server is running, and that this machine can reach it.",
        inner);

    public static AgbException Authentication(string endpoint, int status, string? detail) => new(
        AgbErrorKind.Authentication, RemoteErrors.AuthenticationFailed,
        $"The AGB endpoint {endpoint} refused the API key (HTTP {status}{(string.IsNullOrEmpty(detail) ? "" : ": " + detail)}).",
        $"Check the key (-ApiKey or $env:{AgbEndpoint.ApiKeyVariable}): it must be a valid key for this endpoint.");

    public static AgbException TokenRefused(string url, int status) => new(
        AgbErrorKind.Authentication, RemoteErrors.AuthenticationFailed,
        $"The session's access URL {url} refused the session token (HTTP {status}).",
        "Get the session again (Get-AgbSession -Id) or create a new one; its token may have expired.");

    public static AgbException NotFound(string sessionId, string endpoint) => new(
        AgbErrorKind.NotFound, SessionErrors.SessionNotFound, $"There is no session with id '{sessionId}' at {endpoint}; it may have been released.",
        "List the sessions with Get-AgbSession, or create a new one with New-AgbSession.");

    public static AgbException Request(string endpoint, string operation, string detail) => new(
        AgbErrorKind.Platform, RemoteErrors.RequestFailed, $"The AGB endpoint {endpoint} failed {operation}: {detail}.",
        "Check that the endpoint speaks the AGB API and try again; if it keeps failing, ask its operator.");

    /// <summary>
    /// A file tool's failure: with the id an AgbCode server tags it with (the local engine's, so both backends fail
    /// alike), else AgbFileOperationFailed.
    /// </summary>
    public static AgbException FileTool(string sessionId, string endpoint, string tool, string detail)
    {
        (string message, string? errorId) = WorkspaceErrors.Untag(detail);
        return errorId is null
            ? new(AgbErrorKind.BadInput, WorkspaceErrors.FileOperationFailed, $"Session {sessionId} at {endpoint}: {tool} failed: {detail}",
                "Check the path inside the session (Get-AgbChildItem lists it) and the session's free disk space.")
            : new(WorkspaceErrors.KindOf(errorId), errorId, $"Session {sessionId} at {endpoint}: {message}");
    }

    public static AgbException ItemMissing(string sessionId, string path) => new(
        AgbErrorKind.NotFound, WorkspaceErrors.ItemNotFound, $"There is no file or folder '{path}' in session {sessionId}.",
        "List the session's workspace with Get-AgbChildItem.");

    public static AgbException ApiKeyRequired() => new(
        AgbErrorKind.BadInput, RemoteErrors.ApiKeyMissing,
        $"An API key is required. Provide it as a parameter or set the {AgbEndpoint.ApiKeyVariable} environment variable.",
        $"Pass -ApiKey (a SecureString, e.g. from Get-Secret) or set $env:{AgbEndpoint.ApiKeyVariable}.");
}
