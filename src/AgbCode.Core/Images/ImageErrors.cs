using AgbCode.Core.Errors;

namespace AgbCode.Core.Images;

/// <summary>The errors about code images, declared once for every backend.</summary>
public static class ImageErrors
{
    public const string UnknownImageId = "AgbUnknownImage";
    public const string InvalidImageId = "AgbInvalidImage";

    public static AgbException Unknown(string image, IEnumerable<string> known) => new(AgbErrorKind.BadInput, UnknownImageId,
        $"Unknown image '{image}'. Known images: {string.Join(", ", known)}.",
        "Leave -Image out for the base image, or list the images with Get-AgbImage -Name *; about_AgbCode (ADDING PACKAGES) says how an operator adds one.");

    /// <summary><paramref name="image"/> when <paramref name="offered"/> names it; AgbUnknownImage otherwise.</summary>
    public static string CheckOffered(string image, IReadOnlyList<string> offered) =>
        offered.Contains(image, StringComparer.Ordinal) ? image : throw Unknown(image, offered);
}
