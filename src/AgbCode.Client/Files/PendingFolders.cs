namespace AgbCode.Client.Files;

/// <summary>
/// Folders an upload must make, made only when no file made them first (write_file makes the folders above a file), so
/// a tree of files costs one call per file, not one more per folder.
/// </summary>
internal sealed class PendingFolders
{
    private readonly List<string> _folders = [];

    public void Add(string folder)
    {
        if (folder is not ("" or "." or "/"))
            _folders.Add(folder.TrimEnd('/'));
    }

    /// <summary>A file was written at <paramref name="path"/>: the folders above it exist now.</summary>
    public void Covered(string path) => _folders.RemoveAll(f => path.StartsWith(f + "/", StringComparison.Ordinal));

    /// <summary>The folders still to make (each at most once), forgotten here.</summary>
    public IReadOnlyList<string> Take()
    {
        string[] left = [.. _folders.Distinct(StringComparer.Ordinal)];
        _folders.Clear();
        return left;
    }
}
