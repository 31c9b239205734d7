using System.Text.Json;
using AgbCode.Client.Parsing;

namespace AgbCode.Client.Http;

/// <summary>
/// The AGB response envelope <c>{success, code, message, httpStatusCode, requestId, data}</c>. Some operations answer
/// with capitalized names or nest the envelope under <c>body</c>; both are read.
/// </summary>
internal sealed record ApiResponse(int HttpStatus, bool Success, string Code, string Message, string RequestId, JsonElement? Data, JsonElement Body)
{
    public static ApiResponse From(int httpStatus, JsonElement body, string? requestIdHeader)
    {
        JsonElement envelope = Json.GetAny(body, "success", "Success") is null && Json.Get(body, "body") is { ValueKind: JsonValueKind.Object } nested
            ? nested
            : body;
        return new ApiResponse(
            httpStatus,
            Json.GetAny(envelope, "success", "Success") is { ValueKind: JsonValueKind.True },
            Json.StrOrNull(Json.GetAny(envelope, "code", "Code")) ?? "",
            Json.StrOrNull(Json.GetAny(envelope, "message", "Message")) ?? "",
            Json.StrOrNull(Json.GetAny(envelope, "requestId", "RequestId")) ?? requestIdHeader ?? "",
            Json.GetAny(envelope, "data", "Data"),
            envelope);
    }

    /// <summary>CreateSession, GetSession and GetSessionDetail: an HTTP success and <c>success: true</c>.</summary>
    public bool Ok => HttpStatus is >= 200 and < 400 && Success;

    /// <summary>The other operations also want HTTP 200.</summary>
    public bool Ok200 => HttpStatus == 200 && Success;

    /// <summary>The endpoint says the thing asked about does not exist (the AGB SDK's delete check).</summary>
    public bool IsNotFound =>
        Code.Contains("NotFound", StringComparison.OrdinalIgnoreCase)
        || Message.Contains("not found", StringComparison.OrdinalIgnoreCase)
        || Message.Contains("NotFound", StringComparison.Ordinal);

    /// <summary>Narrower: the session itself is gone (e.g. <c>InvalidSession.NotFound</c>, "Resource [Session] is not found").</summary>
    public bool IsSessionNotFound =>
        (Code.Contains("Session", StringComparison.OrdinalIgnoreCase) && Code.Contains("NotFound", StringComparison.OrdinalIgnoreCase))
        || (Message.Contains("session", StringComparison.OrdinalIgnoreCase) && Message.Contains("not found", StringComparison.OrdinalIgnoreCase));

    /// <summary>One line for error messages: "[code] message (HTTP n, request id r)".</summary>
    public string Describe()
    {
        string text = (Code.Length > 0 ? $"[{Code}] " : "") + (Message.Length > 0 ? Message : "no message");
        return $"{text} (HTTP {HttpStatus}{(RequestId.Length > 0 ? ", request id " + RequestId : "")})";
    }
}
