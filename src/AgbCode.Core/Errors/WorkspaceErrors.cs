using System.Text.RegularExpressions;

namespace AgbCode.Core.Errors;

/// <summary>
/// The errors of a session's workspace by id, so a file operation fails with the same id on both backends: the AgbCode
/// server ends a file tool's error text with the engine's id in brackets ("... [AgbFolderNotEmpty]"), and the client
/// reads it back. Only the ids below are taken from the wire; any other text is a plain failure.
/// </summary>
public static partial class WorkspaceErrors
{
    public const string ItemNotFound = "AgbItemNotFound";
    public const string FolderNotEmpty = "AgbFolderNotEmpty";
    public const string WorkspaceFull = "AgbWorkspaceFull";
    public const string FileTooLarge = "AgbFileTooLarge";
    public const string AnswerTooLarge = "AgbAnswerTooLarge";
    public const string UnsafeArchive = "AgbUnsafeArchive";
    public const string BadFileRequest = "AgbBadFileRequest";
    public const string BadPath = "AgbBadPath";
    public const string BadRange = "AgbBadRange";
    public const string AccessDenied = "AgbAccessDenied";
    public const string PathConflict = "AgbPathConflict";
    public const string FileOperationFailed = "AgbFileOperationFailed";
    public const string FileHelperFailed = "AgbFileHelperFailed";
    public const string NoPath = "AgbNoPath";

    private static readonly Dictionary<string, AgbErrorKind> Kinds = new(StringComparer.Ordinal)
    {
        [ItemNotFound] = AgbErrorKind.NotFound,
        [FolderNotEmpty] = AgbErrorKind.InvalidState,
        [WorkspaceFull] = AgbErrorKind.InvalidState,
        [FileTooLarge] = AgbErrorKind.InvalidState,
        [AnswerTooLarge] = AgbErrorKind.InvalidState,
        [UnsafeArchive] = AgbErrorKind.BadInput,
        [BadFileRequest] = AgbErrorKind.BadInput,
        [BadPath] = AgbErrorKind.BadInput,
        [BadRange] = AgbErrorKind.BadInput,
        [AccessDenied] = AgbErrorKind.BadInput,
        [PathConflict] = AgbErrorKind.BadInput,
        [FileOperationFailed] = AgbErrorKind.Platform,
        [FileHelperFailed] = AgbErrorKind.Platform,
    };

    /// <summary>The text of a failed file tool: the message, then the error id in brackets.</summary>
    public static string Tagged(string message, string errorId) => $"{message} [{errorId}]";

    /// <summary>A failed file tool's text split into its message and a known error id (null when it carries none).</summary>
    public static (string Message, string? ErrorId) Untag(string text)
    {
        Match tag = Tag().Match(text);
        return tag.Success && Kinds.ContainsKey(tag.Groups[1].Value) ? (text[..tag.Index], tag.Groups[1].Value) : (text, null);
    }

    /// <summary>Who has to act on the workspace error <paramref name="errorId"/> (one that <see cref="Untag"/> gave).</summary>
    public static AgbErrorKind KindOf(string errorId) => Kinds[errorId];

    [GeneratedRegex(@" \[(Agb[A-Za-z]{1,40})\]\z")]
    private static partial Regex Tag();
}
