namespace AgbCode.Core.Errors;

/// <summary>The errors the module raises about this computer: its files, the items it writes there, and its settings.</summary>
public static class LocalErrors
{
    public const string ArchiveInvalid = "AgbArchiveInvalid";
    public const string DestinationIsFolder = "AgbDestinationIsFolder";
    public const string DestinationLink = "AgbDestinationLink";
    public const string DiskFull = "AgbDiskFull";
    public const string FileExists = "AgbFileExists";
    public const string LinkOutside = "AgbLinkOutside";
    public const string UnsafeName = "AgbUnsafeName";
    public const string UnsupportedItem = "AgbUnsupportedItem";
    public const string CopyTooLarge = "AgbCopyTooLarge";
    public const string CopyDirectionMissing = "AgbCopyDirectionMissing";
    public const string FolderNeedsRecurse = "AgbFolderNeedsRecurse";
    public const string ItemExists = "AgbItemExists";
    public const string PathUnreadable = "AgbPathUnreadable";
    public const string PathNotFileSystem = "AgbPathNotFileSystem";
    public const string PathNotFound = "AgbPathNotFound";
    public const string PathNotFile = "AgbPathNotFile";
    public const string InputPathNotFound = "AgbInputPathNotFound";
    public const string FolderUnusable = "AgbFolderUnusable";
    public const string InvalidImageData = "AgbInvalidImageData";
    public const string InvalidPrefix = "AgbInvalidPrefix";
    public const string NotAResult = "AgbNotAResult";
    public const string TooManyFiles = "AgbTooManyFiles";
    public const string InvalidSetting = "AgbInvalidSetting";
}
