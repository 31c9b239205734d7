using System.Text.Json;
using AgbCode.Client.Parsing;

namespace AgbCode.Client.Streaming;

/// <summary>The frames of the AGB WebSocket protocol (§4): what the client sends and how a received frame is routed.</summary>
internal static class WsFrames
{
    /// <summary>The WebSocket target when the session's tools do not name the run_code server.</summary>
    public const string DefaultTarget = "wuying_codespace";

    public static string NewInvocationId() => Guid.NewGuid().ToString("N");

    public static string RunCode(string invocationId, string target, string language, int timeoutS, string code) => Json.Serialize(new
    {
        invocationId,
        source = "SDK",
        target,
        data = new { method = "run_code", mode = "stream", @params = new { language, timeoutS, code } },
    });

    public const string Ping = """{"type":"ping"}""";
    public const string Pong = """{"type":"pong"}""";

    public enum Kind { Ping, Pong, Message, Invalid }

    /// <summary>A received frame: a heartbeat, a message for an invocation (id and data), or an invalid frame (and its id if readable).</summary>
    public readonly record struct Incoming(Kind Kind, string? InvocationId = null, JsonElement Data = default, string? Problem = null);

    public static Incoming Read(string text)
    {
        if (Json.TryParse(text) is not { ValueKind: JsonValueKind.Object } frame)
            return new(Kind.Invalid, Problem: "the frame is not a JSON object");
        string? id = Json.String(Json.GetAny(frame, "invocationId")) is { Length: > 0 } invocation ? invocation
            : Json.String(Json.Get(frame, "requestId")) is { Length: > 0 } request ? request : null;
        if (id is null)
        {
            return Json.String(Json.Get(frame, "type")) switch
            {
                "pong" => new(Kind.Pong),
                "ping" => new(Kind.Ping),
                _ => new(Kind.Invalid, Problem: "the frame has no invocationId"),
            };
        }
        return Json.ObjectOrEncodedObject(Json.Get(frame, "data")) is JsonElement data
            ? new(Kind.Message, id, data)
            : new(Kind.Invalid, id, Problem: $"the frame's data is not an object; invocationId={id}");
    }
}
