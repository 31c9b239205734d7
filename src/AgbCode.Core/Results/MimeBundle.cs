using System.Text.Json;

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

    public static ExecutionResult ToResult(JsonElement bundle, bool isMainResult)
    {
        var result = new ExecutionResult { IsMainResult = isMainResult };
        foreach (JsonProperty entry in bundle.EnumerateObject())
        {
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
                case ApplicationJson: result.Json = value.Clone(); break;
                case VegaLiteV4 or VegaLiteV5 when result.Chart is null: result.Chart = value.Clone(); break;
                default: result.Extra[entry.Name] = value.Clone(); break;
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

    // Jupyter allows multi-line text as a list of strings.
    private static string AsText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Array => string.Concat(value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
        _ => value.GetRawText(),
    };
}
