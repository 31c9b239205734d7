using System.Globalization;
using System.Management.Automation;
using System.Text;
using System.Text.Json;
using AgbCode.Core.Errors;
using AgbCode.Core.Results;

namespace AgbCode.PowerShell.Cmdlets;

/// <summary>
/// Writes a result's rich items (images decoded, SVG, HTML, Markdown, LaTeX, JSON, charts) to files with predictable
/// names — &lt;prefix&gt;&lt;item&gt;.&lt;extension&gt;, e.g. python-3-1.png — and returns the files.
/// </summary>
[Cmdlet(VerbsData.Save, "AgbResult", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class SaveAgbResultCommand : AgbCmdlet
{
    private static readonly (string Format, string Extension, Func<ExecutionResult, byte[]?> Content)[] Writers =
    [
        ("Png", ".png", r => Decode(r.Png)),
        ("Jpeg", ".jpg", r => Decode(r.Jpeg)),
        ("Svg", ".svg", r => Utf8(r.Svg)),
        ("Html", ".html", r => Utf8(r.Html)),
        ("Markdown", ".md", r => Utf8(r.Markdown)),
        ("Latex", ".tex", r => Utf8(r.Latex)),
        ("Json", ".json", r => Indented(r.Json)),
        ("Chart", ".vl.json", r => Indented(r.Chart)),
        ("Text", ".txt", r => Utf8(r.Text)),
    ];

    /// <summary>A result from Invoke-AgbCode, or one of its Results items.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public object InputObject { get; set; } = null!;

    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = ".";

    [Parameter]
    [ValidateSet("Png", "Jpeg", "Svg", "Html", "Markdown", "Latex", "Json", "Chart", "Text", IgnoreCase = true)]
    public string[] Format { get; set; } = ["Png", "Jpeg", "Svg", "Html", "Markdown", "Latex", "Json", "Chart"];

    [Parameter]
    [ValidateNotNull]
    public string? Prefix { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        object input = InputObject is PSObject wrapped ? wrapped.BaseObject : InputObject;
        var (items, prefix) = input switch
        {
            EnhancedCodeExecutionResult result => (result.Results, Prefix ?? string.Create(CultureInfo.InvariantCulture, $"{result.Language}-{result.ExecutionCount}-")),
            ExecutionResult item => (new List<ExecutionResult> { item }, Prefix ?? "result-"),
            _ => (null, ""),
        };
        if (items is null)
        {
            WriteError(ToErrorRecord(new AgbException(AgbErrorKind.BadInput, "AgbNotAResult",
                $"Save-AgbResult takes results from Invoke-AgbCode, not {input.GetType().Name}.", "Pipe Invoke-AgbCode's output to it."), InputObject));
            return;
        }
        string folder = GetUnresolvedProviderPathFromPSPath(Path);
        for (int i = 0; i < items.Count; i++)
        {
            foreach (var (format, extension, content) in Writers)
            {
                if (!Format.Contains(format, StringComparer.OrdinalIgnoreCase))
                    continue;
                byte[]? bytes;
                try
                {
                    bytes = content(items[i]);
                }
                catch (FormatException)
                {
                    WriteError(ToErrorRecord(new AgbException(AgbErrorKind.BadInput, "AgbInvalidImageData",
                        $"Item {i + 1}'s {format} data is not valid base64.", "Save the other formats with -Format."), items[i]));
                    continue;
                }
                if (bytes is not null)
                    Save(System.IO.Path.Combine(folder, $"{prefix}{i + 1}{extension}"), bytes);
            }
        }
    }

    private void Save(string file, byte[] bytes)
    {
        if (File.Exists(file) && !Force)
        {
            WriteError(ToErrorRecord(new AgbException(AgbErrorKind.InvalidState, "AgbFileExists",
                $"'{file}' already exists.", "Pass -Force to overwrite it, or -Prefix or -Path to save elsewhere."), file));
            return;
        }
        if (!ShouldProcess(file, "Save"))
            return;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, bytes);
        WriteObject(new FileInfo(file));
    }

    private static byte[]? Decode(string? base64) => base64 is null ? null : Convert.FromBase64String(base64);

    private static byte[]? Utf8(string? text) => text is null ? null : Encoding.UTF8.GetBytes(text);

    private static byte[]? Indented(object? json) =>
        json is null ? null : JsonSerializer.SerializeToUtf8Bytes(json, new JsonSerializerOptions { WriteIndented = true });
}
