using System.Text.Json.Nodes;

namespace AgbCode.Server.Api;

/// <summary>The AGB response envelope: {success, code, message, httpStatusCode, requestId, data}.</summary>
public static class Envelope
{
    public const string JsonContentType = "application/json; charset=utf-8";

    public static IResult Ok(HttpContext context, JsonNode? data, Action<JsonObject>? topLevel = null)
    {
        JsonObject body = Build(context, true, 200, "ok", "", data);
        topLevel?.Invoke(body);
        return Results.Content(body.ToJsonString(WireJson.Options), JsonContentType, statusCode: 200);
    }

    public static JsonObject Build(HttpContext context, bool success, int status, string code, string message, JsonNode? data) => new()
    {
        ["success"] = success,
        ["code"] = code,
        ["message"] = message,
        ["httpStatusCode"] = status,
        ["requestId"] = context.TraceIdentifier,
        ["data"] = data,
    };

    public static Task WriteErrorAsync(HttpContext context, int status, string code, string message, JsonNode? data = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = JsonContentType;
        return context.Response.WriteAsync(Build(context, false, status, code, message, data).ToJsonString(WireJson.Options));
    }
}
