using AgbCode.Core.Errors;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Kernels;
using AgbCode.Core.Display;

namespace AgbCode.Engine.Files;

/// <summary>Turns the file helper's refusal (the kind and message of its outcome) or its death into a clear AgbException.</summary>
internal static class HelperFailure
{
    public static AgbException Died(int exitCode, string stderr) =>
        new(AgbErrorKind.Platform, WorkspaceErrors.FileHelperFailed,
            $"The session's file helper ended without doing the operation ({Describe(exitCode)}): {InertText.OneLine(Tail(stderr))}",
            "Check that the session is alive (Get-AgbSession) and has memory left; try again.");

    public static AgbException Refused(string kind, string message, SessionLimits limits, string where)
    {
        string text = InertText.OneLine(message);
        bool inTmp = where.StartsWith("/tmp", StringComparison.Ordinal);
        return kind switch
        {
            "not_found" => new(AgbErrorKind.NotFound, WorkspaceErrors.ItemNotFound, $"No such item in the session: {text}.",
                "Get-AgbChildItem -Session lists what the workspace holds; relative paths start at the workspace."),
            "no_space" when inTmp => new(AgbErrorKind.InvalidState, WorkspaceErrors.WorkspaceFull,
                $"{text}: the session's /tmp is full (its TmpBytes limit is {Sizes.Format(limits.TmpBytes)}). Nothing of that file was kept.",
                "Remove files from /tmp in the session, or create the session with a larger TmpBytes limit."),
            "no_space" => new(AgbErrorKind.InvalidState, WorkspaceErrors.WorkspaceFull,
                $"{text}: the session's workspace is full (its disk cap, DiskBytes, is {Sizes.Format(limits.DiskBytes)}). Nothing of that file was kept.",
                "Remove items from the session (Remove-AgbItem), or create the session with more room (New-AgbSession -DiskMB)."),
            "file_too_large" => new(AgbErrorKind.InvalidState, WorkspaceErrors.FileTooLarge,
                $"{text}: a file in the session may hold at most {Sizes.Format(limits.FileSizeBytes)} (FileSizeBytes). Nothing of that file was kept.",
                "Create the session with a larger file size limit (New-AgbSession -MaxFileSizeMB)."),
            "not_empty" => new(AgbErrorKind.InvalidState, WorkspaceErrors.FolderNotEmpty, text + ".", "Remove it with -Recurse to delete its contents too."),
            "unsafe_name" or "unsupported_entry" or "bad_archive" => new(AgbErrorKind.BadInput, WorkspaceErrors.UnsafeArchive,
                $"The upload was refused: {text}. Files before it in the archive were written; nothing of it was.",
                "Upload files, folders and links with names relative to the destination."),
            "bad_request" => new(AgbErrorKind.BadInput, WorkspaceErrors.BadFileRequest, $"The file operation was refused: {text}.",
                "Check the paths: relative ones start at the workspace, absolute ones are inside the sandbox."),
            "denied" => new(AgbErrorKind.BadInput, WorkspaceErrors.AccessDenied, $"The session may not do this: {text}.",
                "Only the workspace and /tmp are writable inside a session."),
            "io" => new(AgbErrorKind.Platform, WorkspaceErrors.FileOperationFailed, $"The file operation failed in the session: {text}.",
                "Try again; if it keeps failing, check the item with Get-AgbChildItem."),
            _ => new(AgbErrorKind.BadInput, WorkspaceErrors.PathConflict, $"The file operation cannot be done: {text}.",
                "Check the paths with Get-AgbChildItem -Session; folders and files cannot stand in for each other."),
        };
    }

    private static string Describe(int exitCode) => exitCode > 128 ? $"killed by signal {exitCode - 128}" : $"exit code {exitCode}";

    private static string Tail(string text)
    {
        string trimmed = text.Trim();
        return trimmed.Length <= 500 ? trimmed : "…" + trimmed[^500..];
    }
}
