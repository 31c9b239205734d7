namespace AgbCode.Core.Files;

/// <summary>A file or folder in a session's workspace, as <c>Get-AgbChildItem</c> lists it.</summary>
public sealed record WorkspaceItem
{
    /// <summary>The last part of the path.</summary>
    public required string Name { get; init; }
    /// <summary>The path inside the session: relative to the workspace, or absolute outside it (<c>/tmp/x</c>).</summary>
    public required string Path { get; init; }
    public bool IsDirectory { get; init; }
    /// <summary>Bytes; 0 for folders.</summary>
    public long Length { get; init; }
    public DateTimeOffset LastWriteTime { get; init; }
    /// <summary>Unix permission bits, e.g. 0644.</summary>
    public int Mode { get; init; }
    /// <summary>Where a symbolic link points, as the link says (never followed); null for other items.</summary>
    public string? LinkTarget { get; init; }
    /// <summary>The session that holds the item.</summary>
    public string SessionId { get; init; } = "";
}
