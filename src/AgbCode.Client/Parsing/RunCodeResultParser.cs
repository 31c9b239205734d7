using System.Text.Json;
using AgbCode.Core.Errors;
using AgbCode.Core.Results;

namespace AgbCode.Client.Parsing;

/// <summary>
/// Turns the text a <c>run_code</c> tool call returned (either HTTP route) into a result, as the AGB SDK does:
/// legacy unwrapping, <c>isError</c>, then the new, rich or legacy format, in that priority.
/// </summary>
internal static class RunCodeResultParser
{
    public static EnhancedCodeExecutionResult Parse(string? data, string requestId)
    {
        try
        {
            return ParseData(data, requestId);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException)
        {
            return Failed(requestId, $"Failed to run code: {e.Message}");
        }
    }

    /// <summary>A failure with no output: what the SDK returns when the transport or the tool layer failed.</summary>
    public static EnhancedCodeExecutionResult Failed(string requestId, string message) =>
        new() { RequestId = requestId, Success = false, ErrorMessage = message };

    private static EnhancedCodeExecutionResult ParseData(string? data, string requestId)
    {
        if (string.IsNullOrEmpty(data))
            return Failed(requestId, "No data returned");
        if (Json.TryParse(data.Trim()) is not JsonElement { ValueKind: JsonValueKind.Object } d)
            return PlainText(requestId, data);

        d = UnwrapLegacy(d);
        if (Json.Truthy(Json.Get(d, "isError")))
            return Failed(requestId, "Error in response: " + string.Join("; ", ErrorTexts(d)));

        if (Json.Get(d, "result") is { ValueKind: JsonValueKind.Array })
            return NewFormat(d, requestId);
        if (Json.Has(d, "logs") || Json.Has(d, "results"))
            return RichFormat(d, requestId);
        if (Json.Has(d, "content"))
            return LegacyFormat(d, requestId);
        return PlainText(requestId, d.GetRawText());
    }

    // The legacy envelope {content:[{text:"<json>"}]} may carry a whole new-format payload as its text.
    private static JsonElement UnwrapLegacy(JsonElement d)
    {
        if (Json.Get(d, "content") is { ValueKind: JsonValueKind.Array } content && content.GetArrayLength() > 0
            && Json.String(Json.Get(content[0], "text")) is { Length: > 0 } text
            && Json.TryParse(text) is JsonElement { ValueKind: JsonValueKind.Object } inner
            && (Json.Has(inner, "result") || Json.Has(inner, "executionError")))
            return inner;
        return d;
    }

    private static IEnumerable<string> ErrorTexts(JsonElement d) =>
        Json.Get(d, "content") is { ValueKind: JsonValueKind.Array } content
            ? content.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object)
                .Select(i => Json.StrOrNull(Json.Get(i, "text")) ?? "Unknown error")
            : [];

    private static EnhancedCodeExecutionResult NewFormat(JsonElement d, string requestId)
    {
        var result = new EnhancedCodeExecutionResult
        {
            RequestId = requestId,
            ExecutionCount = Json.Int(Json.Get(d, "execution_count")),
            ExecutionTime = Json.Double(Json.Get(d, "execution_time")),
            Logs = new ExecutionLogs { Stdout = Json.Strings(Json.Get(d, "stdout")), Stderr = Json.Strings(Json.Get(d, "stderr")) },
            Results = [.. d.GetProperty("result").EnumerateArray().Select(ResultItems.FromNewFormat)],
        };
        JsonElement? executionError = Json.Get(d, "executionError");
        if (Json.Truthy(executionError))
        {
            string message = Json.Str(executionError!.Value);
            result.Error = new ExecutionError { Name = RunErrorNames.Execution, Value = message };
            result.ErrorMessage = message;
        }
        result.Success = !Json.Truthy(executionError) && !Json.Truthy(Json.Get(d, "isError"));
        return result;
    }

    private static EnhancedCodeExecutionResult RichFormat(JsonElement d, string requestId)
    {
        JsonElement? logs = Json.Get(d, "logs");
        var result = new EnhancedCodeExecutionResult
        {
            RequestId = requestId,
            ExecutionCount = Json.Int(Json.Get(d, "execution_count")),
            ExecutionTime = Json.Double(Json.Get(d, "execution_time")),
            Logs = new ExecutionLogs { Stdout = Json.Strings(Json.Get(logs, "stdout")), Stderr = Json.Strings(Json.Get(logs, "stderr")) },
            Results = Json.Get(d, "results") is { ValueKind: JsonValueKind.Array } items
                ? [.. items.EnumerateArray().Select(i => i.ValueKind == JsonValueKind.Object ? ResultItems.FromRichFormat(i) : new ExecutionResult { Text = Json.Str(i) })]
                : [],
            // An error object without isError still counts as success: the SDK's rule, kept so both backends agree.
            Success = !Json.Truthy(Json.Get(d, "isError")),
        };
        if (Json.Get(d, "error") is JsonElement error && Json.Truthy(error))
        {
            string? name = Json.StrOrNull(Json.Get(error, "name"));
            string? value = Json.StrOrNull(Json.Get(error, "value"));
            result.Error = new ExecutionError
            {
                Name = string.IsNullOrEmpty(name) ? RunErrorNames.Unknown : name,
                Value = value ?? "",
                Traceback = Json.StrOrNull(Json.Get(error, "traceback")) ?? "",
            };
            result.ErrorMessage = !string.IsNullOrEmpty(value) ? value : !string.IsNullOrEmpty(name) ? name : RunErrorNames.Unknown;
        }
        return result;
    }

    private static EnhancedCodeExecutionResult LegacyFormat(JsonElement d, string requestId)
    {
        if (Json.Get(d, "content") is { ValueKind: JsonValueKind.Array } content && content.GetArrayLength() > 0
            && Json.StrOrNull(Json.Get(content[0], "text")) is string text)
            return PlainText(requestId, text);
        return Failed(requestId, "No content found in response");
    }

    private static EnhancedCodeExecutionResult PlainText(string requestId, string text) => new()
    {
        RequestId = requestId,
        Success = true,
        Logs = new ExecutionLogs { Stdout = [text] },
        Results = [new ExecutionResult { Text = text, IsMainResult = true }],
    };
}
