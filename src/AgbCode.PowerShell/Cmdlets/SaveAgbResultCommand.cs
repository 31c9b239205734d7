using System.Globalization;
using System.Management.Automation;
using AgbCode.Core.Errors;
using AgbCode.Core.Results;
using AgbCode.PowerShell.Files;
using AgbCode.PowerShell.Saving;

namespace AgbCode.PowerShell.Cmdlets;

/// <summary>
/// Writes a result's rich items (images decoded, SVG, HTML, Markdown, LaTeX, JSON, charts) to files with predictable
/// names — &lt;prefix&gt;&lt;item&gt;.&lt;extension&gt;, e.g. python-3-1.png — and returns the files. Everything in a result
/// came from the sandbox: the call writes at most -MaxFiles files, decided before the first one is written; image data
/// must be an image of its type; file names are built only from safe characters.
/// </summary>
[Cmdlet(VerbsData.Save, "AgbResult", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class SaveAgbResultCommand : AgbCmdlet
{
    public const int DefaultMaxFiles = 100;

    /// <summary>A file this call will write: which item, in which representation, under which name.</summary>
    private sealed record PlannedFile(string Name, ExecutionResult Item, int Number, SavedRepresentation Representation);

    private readonly List<PlannedFile> _planned = [];
    private int _wanted;

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
    [ValidateRange(1, int.MaxValue)]
    public int MaxFiles { get; set; } = DefaultMaxFiles;

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void BeginProcessing()
    {
        if (Prefix is not null && SafeFileName.Of(Prefix) != Prefix)
            ThrowTerminatingError(ToErrorRecord(new AgbException(AgbErrorKind.BadInput, LocalErrors.InvalidPrefix,
                $"-Prefix '{Prefix}' is not a plain file name prefix: it may hold only letters, digits, '.', '_', '+' and '-' and may not start with '.' (no folder, no hidden file, no control character).",
                "Pass a prefix such as report-, and the folder with -Path."), Prefix));
    }

    protected override void ProcessRecord()
    {
        object input = InputObject is PSObject wrapped ? wrapped.BaseObject : InputObject;
        var (items, prefix) = input switch
        {
            EnhancedCodeExecutionResult result => (result.Results, Prefix ?? string.Create(CultureInfo.InvariantCulture,
                $"{SafeFileName.Of(result.Language)}-{result.ExecutionCount}-")),
            ExecutionResult item => (new List<ExecutionResult> { item }, Prefix ?? "result-"),
            _ => (null, ""),
        };
        if (items is null)
        {
            WriteError(ToErrorRecord(new AgbException(AgbErrorKind.BadInput, LocalErrors.NotAResult,
                $"Save-AgbResult takes results from Invoke-AgbCode, not {input.GetType().Name}.", "Pipe Invoke-AgbCode's output to it."), InputObject));
            return;
        }
        for (int i = 0; i < items.Count; i++)
        {
            foreach (SavedRepresentation representation in SavedRepresentation.All)
            {
                if (!Format.Contains(representation.Format, StringComparer.OrdinalIgnoreCase) || representation.Value(items[i]) is null)
                    continue;
                if (++_wanted <= MaxFiles)
                    _planned.Add(new PlannedFile($"{prefix}{i + 1}{representation.Extension}", items[i], i + 1, representation));
            }
        }
    }

    // Files are written only once the whole call is known to stay within -MaxFiles: never a silent part of it.
    protected override void EndProcessing()
    {
        if (_wanted > MaxFiles)
            ThrowTerminatingError(ToErrorRecord(new AgbException(AgbErrorKind.BadInput, LocalErrors.TooManyFiles,
                $"Saving these results would write {_wanted} files, more than -MaxFiles ({MaxFiles}); nothing was written.",
                $"Pass -MaxFiles {_wanted} to write them all, choose representations with -Format, or pipe only the items you want (e.g. $r.Results[0..9])."), null));
        string folder = GetUnresolvedProviderPathFromPSPath(Path);
        foreach (PlannedFile file in _planned)
        {
            byte[] bytes;
            try
            {
                bytes = file.Representation.Bytes(file.Representation.Value(file.Item)!);
            }
            catch (InvalidDataException invalid)
            {
                WriteError(ToErrorRecord(new AgbException(AgbErrorKind.BadInput, LocalErrors.InvalidImageData,
                    $"Item {file.Number}'s {file.Representation.Format} data {invalid.Message}; '{file.Name}' was not written.",
                    "Save the other formats with -Format."), file.Item));
                continue;
            }
            Save(System.IO.Path.Combine(folder, file.Name), bytes);
        }
    }

    private void Save(string file, byte[] bytes)
    {
        if (File.Exists(file) && !Force)
        {
            WriteError(ToErrorRecord(new AgbException(AgbErrorKind.InvalidState, LocalErrors.FileExists,
                $"'{file}' already exists.", "Pass -Force to overwrite it, or -Prefix or -Path to save elsewhere."), file));
            return;
        }
        if (!ShouldProcess(file, "Save"))
            return;
        try
        {
            LocalFolder.Make(System.IO.Path.GetDirectoryName(file)!);
        }
        catch (AgbException failure)
        {
            WriteError(ToErrorRecord(failure, file));
            return;
        }
        File.WriteAllBytes(file, bytes);
        WriteObject(new FileInfo(file));
    }
}
