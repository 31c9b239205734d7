using System.Buffers;
using System.Text.Json;
using AgbCode.Core.Results;
using AgbCode.Server.Api;
using AgbCode.Server.Tools;

namespace AgbCode.Server.Streaming;

/// <summary>
/// The frames the server sends, as UTF-8 JSON: {"invocationId","source","target":"SDK","data":{...}} where data has
/// phase "event" (eventType stdout / stderr / result / error) or "end" (status, executionCount, executionTime,
/// executionError), or "error" with an "error" string for an invocation that could not run at all.
/// </summary>
internal static class Frames
{
    public static byte[] Chunk(string invocationId, int seq, string stream, string text) => Event(invocationId, seq, stream, w => w.WriteString("chunk", text));

    public static byte[] Result(string invocationId, int seq, ExecutionResult result) => Event(invocationId, seq, "result", w =>
    {
        w.WriteStartObject("result");
        w.WriteBoolean("isMainResult", result.IsMainResult);
        w.WritePropertyName("mime");
        ResultJson.WriteMime(w, result);
        w.WriteEndObject();
    });

    public static byte[] Error(string invocationId, int seq, string code, string message, string traceback = "") => Event(invocationId, seq, "error", w =>
    {
        w.WriteStartObject("error");
        w.WriteString("code", code);
        w.WriteString("message", message);
        w.WriteString("traceId", invocationId);
        if (traceback.Length > 0)
            w.WriteString("traceback", traceback);
        w.WriteEndObject();
    });

    public static byte[] End(string invocationId, int seq, EnhancedCodeExecutionResult result) => Build(invocationId, w =>
    {
        WriteRunFields(w, seq);
        w.WriteString("phase", "end");
        w.WriteString("status", result.Success ? "finished" : "failed");
        if (result.ExecutionCount is int count)
            w.WriteNumber("executionCount", count);
        else
            w.WriteNull("executionCount");
        w.WriteNumber("executionTime", result.ExecutionTime);
        if (!result.Success)
            w.WriteString("executionError", ResultJson.ErrorText(result));
    });

    /// <summary>The invocation cannot run (bad frame, session gone, limits): the SDKs fail that one stream with this text.</summary>
    public static byte[] Refusal(string? invocationId, string code, string message) => Build(invocationId, w =>
    {
        w.WriteString("phase", "error");
        w.WriteString("code", code);
        w.WriteString("error", message);
    });

    /// <summary>
    /// The answer to a {"type":"ping"} heartbeat. It is shaped as a push message for a fresh id, which the SDKs drop
    /// silently, while a client that waits for a pong finds "type":"pong".
    /// </summary>
    public static byte[] Pong() => Build(Guid.NewGuid().ToString("N"), w => w.WriteString("type", "pong"), topLevel: w => w.WriteString("type", "pong"));

    private static byte[] Event(string invocationId, int seq, string eventType, Action<Utf8JsonWriter> payload) => Build(invocationId, w =>
    {
        WriteRunFields(w, seq);
        w.WriteString("phase", "event");
        w.WriteString("eventType", eventType);
        payload(w);
    });

    private static void WriteRunFields(Utf8JsonWriter w, int seq)
    {
        w.WriteString("method", ToolCatalog.RunCode);
        w.WriteString("mode", "stream");
        w.WriteNumber("seq", seq);
    }

    private static byte[] Build(string? invocationId, Action<Utf8JsonWriter> data, Action<Utf8JsonWriter>? topLevel = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, WireJson.WriterOptions))
        {
            w.WriteStartObject();
            topLevel?.Invoke(w);
            if (invocationId is not null)
                w.WriteString("invocationId", invocationId);
            w.WriteString("source", ToolCatalog.Server);
            w.WriteString("target", "SDK");
            w.WriteStartObject("data");
            data(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
