using AgbCode.Core.Errors;

namespace AgbCode.PowerShell.Files;

/// <summary>A folder on this machine the module writes into: a copy's destination, -OutputPath, Save-AgbResult's -Path.</summary>
internal static class LocalFolder
{
    /// <summary>Makes the folder (and those above it) unless it exists; AgbFolderUnusable names why it cannot be one.</summary>
    public static void Make(string folder)
    {
        string? problem = File.Exists(folder) ? "it is a file" : null;
        if (problem is null)
        {
            try
            {
                Directory.CreateDirectory(folder);
                return;
            }
            catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
            {
                problem = $"it cannot be made: {failure.Message}";
            }
        }
        throw new AgbException(AgbErrorKind.BadInput, LocalErrors.FolderUnusable, $"'{folder}' must be a folder, and {problem}.",
            "Name a folder that exists or can be made: what is written goes into it.");
    }
}
