using System.Text.Json;
using AgbCode.Core.Display;

namespace AgbCode.Core.Results;

/// <summary>Maps a Jupyter-style MIME bundle onto the AGB result fields and back.</summary>
public static class MimeBundle
{
    public const string TextPlain = "text/plain";
    public const string TextHtml = "text/html";
    public const string TextMarkdown = "text/markdown";
    public const string ImagePng = "image/png";
    public const string ImageJpeg = "image/jpeg";
    public const string ImageSvg = "image/svg+xml";
    public const string ApplicationJson = "application/json";
    public const string TextLatex = "text/latex";
    public const string VegaLiteV4 = "application/vnd.vegalite.v4+json";
    public const string VegaLiteV5 = "application/vnd.vegalite.v5+json";

    public static ExecutionResult ToResult(JsonElement bundle, bool isMainResult) =>
        ToResult(bundle, isMainResult, int.MaxValue, out _);

    /// <summary>The bundle as a result, keeping its first <paramref name="maxKeys"/> representations.</summary>
    public static ExecutionResult ToResult(JsonElement bundle, bool isMainResult, int maxKeys, out bool keysDropped)
    {
        var result = new ExecutionResult { IsMainResult = isMainResult };
        int seen = 0;
        keysDropped = false;
        foreach (JsonProperty entry in bundle.EnumerateObject())
        {
            if (++seen > maxKeys)
            {
                keysDropped = true;
                break;
            }
            JsonElement value = entry.Value;
            switch (entry.Name)
            {
                case TextPlain: result.Text = AsText(value); break;
                case TextHtml: result.Html = AsText(value); break;
                case TextMarkdown: result.Markdown = AsText(value); break;
                case ImagePng: result.Png = AsText(value); break;
                case ImageJpeg: result.Jpeg = AsText(value); break;
                case ImageSvg: result.Svg = AsText(value); break;
                case TextLatex: result.Latex = AsText(value); break;
                case ApplicationJson: result.Json = JsonData.From(value); break;
                case VegaLiteV4 or VegaLiteV5 when result.Chart is null: result.Chart = JsonData.From(value); break;
                default: result.Extra[entry.Name] = JsonData.From(value); break;
            }
        }
        return result;
    }

    public static IReadOnlyList<string> FormatsOf(ExecutionResult r)
    {
        var formats = new List<string>();
        void Add(bool present, string mime) { if (present) formats.Add(mime); }
        Add(r.Text is not null, TextPlain);
        Add(r.Html is not null, TextHtml);
        Add(r.Markdown is not null, TextMarkdown);
        Add(r.Png is not null, ImagePng);
        Add(r.Jpeg is not null, ImageJpeg);
        Add(r.Svg is not null, ImageSvg);
        Add(r.Json is not null, ApplicationJson);
        Add(r.Latex is not null, TextLatex);
        Add(r.Chart is not null, "chart");
        formats.AddRange(r.Extra.Keys);
        return formats;
    }

    /// <summary>One line for people: sizes and the start of the text, inert on a terminal (MIME keys and text come from the sandbox).</summary>
    public static string Summarize(ExecutionResult r)
    {
        var parts = new List<string>();
        void Binary(string? base64, string mime) { if (base64 is not null) parts.Add($"{mime} {ByteSize.Of(base64.Length / 4 * 3)}"); }
        void Sized(string? text, string mime) { if (text is not null) parts.Add($"{mime} {ByteSize.Of(System.Text.Encoding.UTF8.GetByteCount(text))}"); }
        Binary(r.Png, ImagePng);
        Binary(r.Jpeg, ImageJpeg);
        Sized(r.Svg, ImageSvg);
        Sized(r.Html, TextHtml);
        Sized(r.Markdown, TextMarkdown);
        Sized(r.Latex, TextLatex);
        Sized(r.Chart is null ? null : JsonData.Text(r.Chart), "chart (Vega-Lite)");
        foreach (var (mime, value) in r.Extra)
            Sized(JsonData.Text(value), mime);
        if (r.Text is not null)
        {
            string firstLine = r.Text.Split('\n')[0];
            string shown = firstLine.Length > 60 ? firstLine[..57] + "..." : firstLine;
            parts.Add(parts.Count == 0 ? shown : $"text/plain {shown}");
        }
        Sized(r.Json is null ? null : JsonData.Text(r.Json), ApplicationJson);   // last: mostly the data twin of the text
        return InertText.Of(string.Join(" | ", parts));
    }

    /// <summary>A representation's text: Jupyter allows multi-line text as a list of strings.</summary>
    public static string AsText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Array => string.Concat(value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
        _ => value.GetRawText(),
    };
}
