using System.Text.Json.Nodes;
using AgbCode.Server.Api;
using AgbCode.Core.Results;

namespace AgbCode.Server.Tools;

/// <summary>The AGB wire shapes of a run result: the run_code tool's "new format" text and the MIME bundles of result items.</summary>
public static class ResultJson
{
    /// <summary>
    /// {"result":[...],"stdout":[...],"stderr":[...],"execution_count":n,"execution_time":s,"executionError":"..."} —
    /// snake_case counters and camelCase executionError, as the AGB backend writes them.
    /// </summary>
    public static string NewFormat(EnhancedCodeExecutionResult result)
    {
        var body = new JsonObject
        {
            ["result"] = new JsonArray([.. result.Results.Select(r =>
            {
                JsonObject item = Mime(r);
                item["isMainResult"] = r.IsMainResult;
                return (JsonNode)item;
            })]),
            ["stdout"] = Strings(result.Logs.Stdout),
            ["stderr"] = Strings(result.Logs.Stderr),
            ["execution_count"] = result.ExecutionCount,
            ["execution_time"] = result.ExecutionTime,
        };
        if (!result.Success)
        {
            body["executionError"] = ErrorText(result);
            // not in the AGB format (the SDKs ignore it): where the error happened, which executionError does not say
            if (result.Error?.Traceback is { Length: > 0 } traceback)
                body["traceback"] = traceback;
        }
        return body.ToJsonString(WireJson.Options);
    }

    /// <summary>One result's representations by MIME type (images base64), with Vega-Lite under its own MIME type.</summary>
    public static JsonObject Mime(ExecutionResult result)
    {
        var mime = new JsonObject();
        void Add(string type, string? value) { if (value is not null) mime[type] = value; }
        Add(MimeBundle.TextPlain, result.Text);
        Add(MimeBundle.TextHtml, result.Html);
        Add(MimeBundle.TextMarkdown, result.Markdown);
        Add(MimeBundle.ImagePng, result.Png);
        Add(MimeBundle.ImageJpeg, result.Jpeg);
        Add(MimeBundle.ImageSvg, result.Svg);
        Add(MimeBundle.TextLatex, result.Latex);
        if (result.Json is { } json)
            mime[MimeBundle.ApplicationJson] = JsonNode.Parse(JsonData.Text(json));
        if (result.Chart is { } chart)
            mime[MimeBundle.VegaLiteV4] = JsonNode.Parse(JsonData.Text(chart));
        foreach (var (type, value) in result.Extra)
            mime[type] ??= JsonNode.Parse(JsonData.Text(value));
        return mime;
    }

    /// <summary>What the SDKs show as error_message: "Name: value", never empty for a failed run.</summary>
    public static string ErrorText(EnhancedCodeExecutionResult result) =>
        result.ErrorMessage.Length > 0 ? result.ErrorMessage : result.Error?.ToString() is { Length: > 0 } text ? text : "The run failed.";

    /// <summary>An MCP tool result: {"isError":false,"content":[{"type":"text","text":...}]}.</summary>
    public static JsonObject ToolResult(string text, bool isError = false) => new()
    {
        ["isError"] = isError,
        ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
    };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);
}
