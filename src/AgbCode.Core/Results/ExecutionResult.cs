namespace AgbCode.Core.Results;

/// <summary>
/// One rich result (a display call or the last expression's value) with all its representations.
/// Images are base64 strings, as in the AGB SDK.
/// </summary>
public sealed class ExecutionResult
{
    public string? Text { get; set; }
    public string? Html { get; set; }
    public string? Markdown { get; set; }
    public string? Png { get; set; }
    public string? Jpeg { get; set; }
    public string? Svg { get; set; }
    /// <summary>application/json as plain data (<see cref="JsonData"/>); null when there is none.</summary>
    public object? Json { get; set; }
    public string? Latex { get; set; }
    /// <summary>A Vega-Lite specification as plain data (<see cref="JsonData"/>).</summary>
    public object? Chart { get; set; }
    public bool IsMainResult { get; set; }

    /// <summary>Representations with a MIME type the AGB model has no field for, by MIME type.</summary>
    public Dictionary<string, object?> Extra { get; set; } = [];

    /// <summary>The MIME types this result carries.</summary>
    public IReadOnlyList<string> Formats => MimeBundle.FormatsOf(this);

    /// <summary>One line: each representation with its size, and the start of the text (never base64).</summary>
    public string Summary => MimeBundle.Summarize(this);

    public override string ToString() => Summary;
}
