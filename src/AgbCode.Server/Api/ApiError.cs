using AgbCode.Core.Errors;
using AgbCode.Core.Images;

namespace AgbCode.Server.Api;

/// <summary>
/// A request the server refuses, with the HTTP status, the AGB error code and a message that names the cause and the fix.
/// Thrown anywhere while handling a request; <see cref="ErrorEnvelopeMiddleware"/> turns it into the AGB envelope.
/// </summary>
public sealed class ApiError(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    /// <summary>The WWW-Authenticate challenge of a 401.</summary>
    public string? Challenge { get; init; }

    public const string NotFoundCode = "InvalidMcpSession.NotFound";

    // The AGB cloud answers a missing session with HTTP 400 and this code; the SDKs' delete polling looks for both.
    // A session of another tenant gets exactly this answer too.
    public static ApiError SessionNotFound(string? sessionId) => new(400, NotFoundCode,
        $"Session {sessionId} not found: it was released, expired after its idle timeout, or never existed. Create a new session.");

    public static ApiError BadParameter(string message) => new(400, "InvalidParameter", message);

    public static ApiError MissingParameter(string name, string where) =>
        new(400, "MissingParameter", $"The {where} has no '{name}'. Send it as the AGB API reference describes.");

    public static ApiError Unauthorized() => new(401, "InvalidApiKey",
        "The API key is missing or not valid. Send it as the header 'authorization: Bearer <key>' (AGB_API_KEY in the SDKs).") { Challenge = "Bearer" };

    public static ApiError BadAccessToken(string? sessionId) => new(401, "InvalidAccessToken",
        $"The access token is not valid for session {sessionId}: the session was released or expired, or the token is wrong. " +
        "Use the token that CreateSession or GetSession returned with the session's linkUrl/wsUrl.");

    /// <summary>The LinkUrl route's 401 when the token was looked for in the body: it must come early there.</summary>
    public static ApiError BadAccessToken(string? sessionId, int bodyPrefixBytes) => new(401, "InvalidAccessToken",
        BadAccessToken(sessionId).Message + $" Send it in the X-Access-Token header; a \"token\" field in the body is read only from the " +
        $"body's first {Sizes(bodyPrefixBytes)} (AGBCODE_LINK_TOKEN_PREFIX_BYTES), so put it first.");

    public static ApiError TooLarge(string what, long size, long limit, string setting) => new(413, "PayloadTooLarge",
        $"The {what} is {Sizes(size)}; this server accepts at most {Sizes(limit)} ({setting}). " +
        "Write large data to a file in the session's workspace and read it from a smaller program.");

    public static ApiError ShuttingDown() => new(503, "ServiceUnavailable",
        "The server is shutting down and accepts no new work. Retry against another instance or after it restarts.");

    /// <summary>Maps the engine's errors: bad input is the client's mistake (4xx); the platform's failures are 5xx.</summary>
    /// <remarks>Context errors, and file errors met on the context routes, keep the engine's id as their code.</remarks>
    public static ApiError From(AgbException error) => error.Kind switch
    {
        _ when KeepsEngineId(error.ErrorId) => new(error.Kind switch
        {
            AgbErrorKind.InvalidState when error.ErrorId == AgbCode.Core.Contexts.ContextErrors.LimitId => 429,
            AgbErrorKind.InvalidState => 409,
            AgbErrorKind.Platform => 503,
            _ => 400,
        }, error.ErrorId, error.MessageWithFix),
        AgbErrorKind.BadInput when error.ErrorId == ImageErrors.UnknownImageId => new(400, ImageApi.UnknownImageCode, error.MessageWithFix),
        AgbErrorKind.BadInput => new(400, "InvalidParameter", error.MessageWithFix),
        AgbErrorKind.NotFound => new(400, NotFoundCode, error.MessageWithFix),
        AgbErrorKind.InvalidState => new(409, "IncorrectSessionStatus", error.MessageWithFix),
        _ => new(503, "ServiceUnavailable", error.MessageWithFix),
    };

    private static bool KeepsEngineId(string id) =>
        AgbCode.Core.Contexts.ContextErrors.IsContextError(id)
        || AgbCode.Core.Errors.WorkspaceErrors.Untag($" [{id}]").ErrorId is not null;

    internal static string Sizes(long bytes) => bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0
        ? $"{bytes / (1024 * 1024)} MiB"
        : bytes >= 1024 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB") : $"{bytes} bytes";
}
