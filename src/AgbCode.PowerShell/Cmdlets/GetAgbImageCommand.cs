using System.Management.Automation;
using AgbCode.Core.Errors;
using AgbCode.Core.Images;
using AgbCode.Core.Sessions;

namespace AgbCode.PowerShell.Cmdlets;

/// <summary>
/// Lists the packages a code image offers each language (Python distributions, R packages, Node modules, Java jars), from
/// the host's Debian packages or the image's extra folder, one object per package.
/// </summary>
[Cmdlet(VerbsCommon.Get, "AgbImage")]
[OutputType(typeof(ImagePackage))]
public sealed class GetAgbImageCommand : AgbBackendCmdlet
{
    public const string TypeName = "AgbCode.ImagePackage";

    /// <summary>Images to list; wildcards match the backend's image names.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completers.ImageCompleter))]
    public string[] Name { get; set; } = [SessionOptions.DefaultImage];

    private ICodeSpace? _space;
    private IReadOnlyList<string>? _images;

    protected override void BeginProcessing()
    {
        try
        {
            _space = Backend();
        }
        catch (AgbException failure)
        {
            ThrowTerminatingError(ToErrorRecord(failure, Endpoint));
        }
    }

    protected override void ProcessRecord()
    {
        foreach (string name in Name)
        {
            try
            {
                foreach (string image in Matching(name))
                    foreach (ImagePackage package in Await(_space!.GetImagePackagesAsync(image, StopToken)))
                        WriteObject(Shown(package));
            }
            catch (AgbException failure)
            {
                WriteError(ToErrorRecord(failure, name));
            }
        }
    }

    /// <summary>The images a name stands for: a wildcard matches the listed images (none is no error), a plain name is asked for as is.</summary>
    private IEnumerable<string> Matching(string name)
    {
        if (!WildcardPattern.ContainsWildcardCharacters(name))
            return [name];
        _images ??= Await(_space!.ListImagesAsync(StopToken));
        var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
        return _images.Where(pattern.IsMatch);
    }

    private static PSObject Shown(ImagePackage package)
    {
        var shown = PSObject.AsPSObject(package);
        shown.TypeNames.Insert(0, TypeName);
        return shown;
    }
}
