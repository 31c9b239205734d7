using System.Text.Json;
using AgbCode.Core.Results;
using AgbCode.Server.Api;

namespace AgbCode.Server.Tools;

/// <summary>
/// The answer to a run_code call on the API and LinkUrl routes: the AGB envelope around an MCP tool result
/// {"isError":false,"content":[{"type":"text","text":"&lt;new format JSON&gt;"}]} (under data.result on the LinkUrl route).
/// The new-format text is built once, as UTF-8, and escaped into the response in slices that are sent as they are made,
/// so a large result is held about once more, not as node trees and strings of strings.
/// </summary>
public sealed class RunCodeAnswer(EnhancedCodeExecutionResult result, bool underResult) : IResult
{
    private const int SliceBytes = 64 * 1024;

    public async Task ExecuteAsync(HttpContext context)
    {
        using var text = new ChunkedBuffer();
        using (var inner = new Utf8JsonWriter(text, WireJson.WriterOptions))
            ResultJson.WriteNewFormat(inner, result);

        context.Response.StatusCode = 200;
        context.Response.ContentType = Envelope.JsonContentType;
        await using var w = new Utf8JsonWriter(context.Response.Body, WireJson.WriterOptions);
        w.WriteStartObject();
        Envelope.WriteOkFields(w, context);
        w.WriteStartObject("data");
        if (underResult)
            w.WriteStartObject("result");
        w.WriteBoolean("isError", false);
        w.WriteStartArray("content");
        w.WriteStartObject();
        w.WriteString("type", "text");
        w.WritePropertyName("text");
        long left = text.Length;
        foreach (ReadOnlyMemory<byte> segment in text.Segments)
        {
            // a chunk ends where one of the writer's tokens ended, so never inside a character
            for (ReadOnlyMemory<byte> rest = segment; !rest.IsEmpty;)
            {
                int length = SliceEnd(rest.Span);
                left -= length;
                w.WriteStringValueSegment(rest.Span[..length], isFinalSegment: left == 0);
                rest = rest[length..];
                await w.FlushAsync(context.RequestAborted);
            }
        }
        if (text.Length == 0)
            w.WriteStringValue("");
        w.WriteEndObject();
        w.WriteEndArray();
        if (underResult)
            w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        await w.FlushAsync(context.RequestAborted);
    }

    /// <summary>Up to a slice's worth of bytes, ending on a whole UTF-8 character.</summary>
    private static int SliceEnd(ReadOnlySpan<byte> rest)
    {
        if (rest.Length <= SliceBytes)
            return rest.Length;
        int end = SliceBytes;
        while ((rest[end] & 0xC0) == 0x80)   // a continuation byte: the character started before the cut
            end--;
        return end;
    }
}
