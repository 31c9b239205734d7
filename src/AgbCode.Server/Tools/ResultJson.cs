using System.Text.Json.Nodes;
using System.Text.Json;
using AgbCode.Core.Results;

namespace AgbCode.Server.Tools;

/// <summary>
/// The AGB wire shapes of a run result: the run_code tool's "new format" text and the MIME bundles of result items.
/// Written straight to a <see cref="Utf8JsonWriter"/>: a result is as big as the run's output cap allows, and building a
/// node tree of it first would hold it several times over.
/// </summary>
public static class ResultJson
{
    /// <summary>
    /// {"result":[...],"stdout":[...],"stderr":[...],"execution_count":n,"execution_time":s,"executionError":"..."} —
    /// snake_case counters and camelCase executionError, as the AGB backend writes them.
    /// </summary>
    public static void WriteNewFormat(Utf8JsonWriter w, EnhancedCodeExecutionResult result)
    {
        w.WriteStartObject();
        w.WriteStartArray("result");
        foreach (ExecutionResult item in result.Results)
        {
            w.WriteStartObject();
            WriteMimeFields(w, item);
            w.WriteBoolean("isMainResult", item.IsMainResult);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteStrings(w, "stdout", result.Logs.Stdout);
        WriteStrings(w, "stderr", result.Logs.Stderr);
        if (result.ExecutionCount is int count)
            w.WriteNumber("execution_count", count);
        else
            w.WriteNull("execution_count");
        w.WriteNumber("execution_time", result.ExecutionTime);
        if (!result.Success)
        {
            w.WriteString("executionError", ErrorText(result));
            // not in the AGB format (the SDKs ignore it): where the error happened, which executionError does not say
            if (result.Error?.Traceback is { Length: > 0 } traceback)
                w.WriteString("traceback", traceback);
        }
        w.WriteEndObject();
    }

    /// <summary>One result's representations as an object, by MIME type (images base64), Vega-Lite under its own type.</summary>
    public static void WriteMime(Utf8JsonWriter w, ExecutionResult result)
    {
        w.WriteStartObject();
        WriteMimeFields(w, result);
        w.WriteEndObject();
    }

    private static void WriteMimeFields(Utf8JsonWriter w, ExecutionResult result)
    {
        Text(w, MimeBundle.TextPlain, result.Text);
        Text(w, MimeBundle.TextHtml, result.Html);
        Text(w, MimeBundle.TextMarkdown, result.Markdown);
        Text(w, MimeBundle.ImagePng, result.Png);
        Text(w, MimeBundle.ImageJpeg, result.Jpeg);
        Text(w, MimeBundle.ImageSvg, result.Svg);
        Text(w, MimeBundle.TextLatex, result.Latex);
        Json(w, MimeBundle.ApplicationJson, result.Json);
        Json(w, MimeBundle.VegaLiteV4, result.Chart);
        foreach (var (type, value) in result.Extra)
        {
            if (!HasTyped(result, type))
                Json(w, type, value);
        }
    }

    private static void Text(Utf8JsonWriter w, string type, string? value)
    {
        if (value is not null)
            w.WriteString(type, value);
    }

    private static void Json(Utf8JsonWriter w, string type, object? value)
    {
        if (value is null)
            return;
        w.WritePropertyName(type);
        JsonData.Write(w, value);
    }

    /// <summary>Whether the bundle's typed property already gives this MIME type (an extra of that type is then not written).</summary>
    private static bool HasTyped(ExecutionResult r, string type) => type switch
    {
        MimeBundle.TextPlain => r.Text is not null,
        MimeBundle.TextHtml => r.Html is not null,
        MimeBundle.TextMarkdown => r.Markdown is not null,
        MimeBundle.ImagePng => r.Png is not null,
        MimeBundle.ImageJpeg => r.Jpeg is not null,
        MimeBundle.ImageSvg => r.Svg is not null,
        MimeBundle.TextLatex => r.Latex is not null,
        MimeBundle.ApplicationJson => r.Json is not null,
        MimeBundle.VegaLiteV4 => r.Chart is not null,
        _ => false,
    };

    /// <summary>What the SDKs show as error_message: "Name: value", never empty for a failed run.</summary>
    /// <summary>An MCP tool result: {isError, content:[{type:"text", text}]}.</summary>
    public static JsonObject ToolResult(string text, bool isError = false) => new()
    {
        ["isError"] = isError,
        ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
    };

    /// <summary>The new-format result JSON as one string (for callers that need the text, not a stream).</summary>
    public static string NewFormat(EnhancedCodeExecutionResult result)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, Api.WireJson.WriterOptions))
            WriteNewFormat(w, result);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string ErrorText(EnhancedCodeExecutionResult result) =>
        result.ErrorMessage.Length > 0 ? result.ErrorMessage : result.Error?.ToString() is { Length: > 0 } text ? text : "The run failed.";

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (string value in values)
            w.WriteStringValue(value);
        w.WriteEndArray();
    }
}
