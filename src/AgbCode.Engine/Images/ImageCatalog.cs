using System.Text.RegularExpressions;
using AgbCode.Core.Images;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Native;

namespace AgbCode.Engine.Images;

/// <summary>
/// The code images an engine offers: the two AGB code image names, and every folder in the images folder
/// (AGBCODE_IMAGES_DIR; default /etc/agbcode/images for a root engine, ~/.config/agbcode/images otherwise), whose name is
/// the image's. A folder named like a built-in image adds packages to it. The folder is read on every lookup, so an
/// operator adds an image without restarting anything.
/// </summary>
public sealed partial class ImageCatalog
{
    public const string FolderVariable = "AGBCODE_IMAGES_DIR";

    /// <summary>The AGB code images; both are the base image until an operator gives one an extra folder.</summary>
    public static IReadOnlyList<string> BuiltIn { get; } = [SessionOptions.DefaultImage, "agb-code-space-2"];

    public ImageCatalog(string folder) => Folder = Path.GetFullPath(folder);

    /// <summary>Where images are declared: one folder per image.</summary>
    public string Folder { get; }

    public static ImageCatalog FromEnvironment() =>
        new(Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } folder ? folder : DefaultFolder);

    public static string DefaultFolder => Libc.IsRoot
        ? "/etc/agbcode/images"
        : Path.Combine(Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } config
            ? config : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config"), "agbcode", "images");

    /// <summary>The image names: the built-in ones first, then the declared ones by name.</summary>
    public IReadOnlyList<string> Names()
    {
        IEnumerable<string> declared = Directory.Exists(Folder)
            ? Directory.EnumerateDirectories(Folder).Select(Path.GetFileName).OfType<string>().Where(name => ValidName().IsMatch(name))
            : [];
        return [.. BuiltIn.Concat(declared.Except(BuiltIn).Order(StringComparer.Ordinal))];
    }

    /// <summary>The image with this name, its extra folder checked; AgbUnknownImage or AgbInvalidImage otherwise.</summary>
    internal CodeImage Resolve(string name, IEnumerable<string> forbiddenRoots)
    {
        ImageErrors.CheckOffered(name, Names());
        string folder = Path.Combine(Folder, name);
        if (!Path.Exists(folder) && new FileInfo(folder).LinkTarget is null)
            return new CodeImage(name, null);
        ImageFolderCheck.Check(name, folder, forbiddenRoots);
        return new CodeImage(name, folder);
    }

    // Lower-case letters, digits, '.', '_' and '-', as AGB image ids; a folder named otherwise (".staging") is not an image.
    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,62}$")]
    private static partial Regex ValidName();
}
