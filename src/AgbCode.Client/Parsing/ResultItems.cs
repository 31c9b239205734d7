using System.Text.Json;
using AgbCode.Core.Results;

namespace AgbCode.Client.Parsing;

/// <summary>One rich result from each of the AGB shapes: new-format items, rich-format items, stream result events.</summary>
internal static class ResultItems
{
    private sealed record Field(string[] Names, string Short, Action<ExecutionResult, JsonElement> Set);

    private static readonly Field[] Fields =
    [
        new([MimeBundle.TextPlain], "text", (r, v) => r.Text = MimeBundle.AsText(v)),
        new([MimeBundle.TextHtml], "html", (r, v) => r.Html = MimeBundle.AsText(v)),
        new([MimeBundle.TextMarkdown], "markdown", (r, v) => r.Markdown = MimeBundle.AsText(v)),
        new([MimeBundle.ImagePng], "png", (r, v) => r.Png = MimeBundle.AsText(v)),
        new([MimeBundle.ImageJpeg], "jpeg", (r, v) => r.Jpeg = MimeBundle.AsText(v)),
        new([MimeBundle.ImageSvg], "svg", (r, v) => r.Svg = MimeBundle.AsText(v)),
        new([MimeBundle.ApplicationJson], "json", (r, v) => r.Json = JsonData.From(v)),
        new([MimeBundle.TextLatex], "latex", (r, v) => r.Latex = MimeBundle.AsText(v)),
        new([MimeBundle.VegaLiteV4, MimeBundle.VegaLiteV5], "chart", (r, v) => r.Chart = JsonData.From(v)),
    ];

    private static readonly HashSet<string> KnownKeys =
        [.. Fields.SelectMany(f => f.Names.Append(f.Short)), "isMainResult", "is_main_result"];

    /// <summary>
    /// A new-format <c>result</c> item: a dict of MIME keys with short-name fallbacks (an empty value falls through, as
    /// Python's <c>or</c>); a string holding JSON (decoded twice when double-encoded); anything else as text.
    /// </summary>
    public static ExecutionResult FromNewFormat(JsonElement item)
    {
        if (item.ValueKind == JsonValueKind.Object)
            return FromMimeDict(item);
        if (item.ValueKind != JsonValueKind.String)
            return new ExecutionResult { Text = Json.Str(item) };

        string raw = item.GetString()!;
        if (Json.TryParse(raw) is not JsonElement decoded)
            return new ExecutionResult { Text = raw };
        if (decoded.ValueKind == JsonValueKind.String && Json.TryParse(decoded.GetString()) is JsonElement twice)
            decoded = twice;
        return decoded.ValueKind == JsonValueKind.Object ? FromMimeDict(decoded) : new ExecutionResult { Text = Json.Str(decoded) };
    }

    /// <summary>A rich-format <c>results</c> item: short names only.</summary>
    public static ExecutionResult FromRichFormat(JsonElement item)
    {
        var result = new ExecutionResult { IsMainResult = Json.Truthy(Json.Get(item, "is_main_result")) };
        foreach (Field field in Fields)
            if (Json.Get(item, field.Short) is JsonElement value)
                field.Set(result, value);
        return result;
    }

    /// <summary>A stream <c>result</c> event payload: <c>{isMainResult, mime: {...}}</c>, MIME keys only.</summary>
    public static ExecutionResult FromStreamEvent(JsonElement? payload)
    {
        if (payload is not JsonElement p || p.ValueKind != JsonValueKind.Object)
            return new ExecutionResult { Text = payload is JsonElement other ? Json.Str(other) : "None" };
        bool isMain = Json.Truthy(Json.Get(p, "isMainResult")) || Json.Truthy(Json.Get(p, "is_main_result"));
        return Json.Get(p, "mime") is JsonElement { ValueKind: JsonValueKind.Object } mime
            ? MimeBundle.ToResult(mime, isMain)
            : new ExecutionResult { IsMainResult = isMain };
    }

    private static ExecutionResult FromMimeDict(JsonElement item)
    {
        var result = new ExecutionResult
        {
            IsMainResult = Json.Truthy(Json.Get(item, "isMainResult")) || Json.Truthy(Json.Get(item, "is_main_result")),
        };
        foreach (Field field in Fields)
            if (Json.FirstTruthy(item, [.. field.Names, field.Short]) is JsonElement value)
                field.Set(result, value);
        foreach (JsonProperty property in item.EnumerateObject())
            if (property.Name.Contains('/') && !KnownKeys.Contains(property.Name))
                result.Extra[property.Name] = JsonData.From(property.Value);
        return result;
    }
}
