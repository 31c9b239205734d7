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

    /// <summary>The envelope's fields before "data", for answers written straight to the response.</summary>
    public static void WriteOkFields(System.Text.Json.Utf8JsonWriter w, HttpContext context)
    {
        w.WriteBoolean("success", true);
        w.WriteString("code", "ok");
        w.WriteString("message", "");
        w.WriteNumber("httpStatusCode", 200);
        w.WriteString("requestId", context.TraceIdentifier);
    }

    public static Task WriteErrorAsync(HttpContext context, int status, string code, string message, JsonNode? data = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = JsonContentType;
        return context.Response.WriteAsync(Build(context, false, status, code, message, data).ToJsonString(WireJson.Options));
    }
}
