namespace AgbCode.Core.Images;

/// <summary>
/// One package a code image offers a language: a Python distribution, an R package, a Node module or a Java jar, from
/// the host's Debian packages or from the image's extra library folder.
/// </summary>
public sealed record ImagePackage(string Image, string Language, string Name, string Version, string Source)
{
    /// <summary>Installed with the host's Debian packages (build/image-packages.txt and whatever else the host has).</summary>
    public const string Debian = "debian";
    /// <summary>From the image's extra library folder, which an operator prepares (docs/image.md).</summary>
    public const string Extra = "extra";
}
