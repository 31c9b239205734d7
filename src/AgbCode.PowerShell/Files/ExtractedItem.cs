using AgbCode.Core.Errors;

namespace AgbCode.PowerShell.Files;

/// <summary>One archive entry's fate: written to <see cref="LocalPath"/>, or refused with the reason (and nothing written).</summary>
internal sealed record ExtractedItem(string EntryName, string? LocalPath, bool IsDirectory, AgbException? Refusal)
{
    public static ExtractedItem Written(string entryName, string localPath, bool isDirectory) => new(entryName, localPath, isDirectory, null);

    public static ExtractedItem Refused(string entryName, string errorId, string message, string fix) =>
        new(entryName, null, false, new AgbException(AgbErrorKind.BadInput, errorId, message, fix));
}
