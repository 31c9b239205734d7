using System.Management.Automation;
using AgbCode.Core.Errors;
using AgbCode.PowerShell.Cmdlets;

namespace AgbCode.PowerShell.Files;

/// <summary>Paths on this machine as PowerShell resolves them: provider globbing, or literal; file-system items only.</summary>
internal static class LocalPaths
{
    /// <summary>
    /// The existing files and folders that <paramref name="paths"/> name (relative to the current location), in order;
    /// each path that names nothing, or not the file system, is reported to <paramref name="failed"/>.
    /// </summary>
    public static IEnumerable<string> Resolve(PSCmdlet cmdlet, IEnumerable<string> paths, bool literal, Action<ErrorRecord> failed)
    {
        foreach (string path in paths)
        {
            List<string> resolved = [];
            try
            {
                ProviderInfo provider;
                if (literal)
                    resolved.Add(cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _));
                else
                    resolved.AddRange(cmdlet.GetResolvedProviderPathFromPSPath(path, out provider));
                if (provider.Name != "FileSystem")
                {
                    failed(AgbCmdlet.ToErrorRecord(new AgbException(AgbErrorKind.BadInput, LocalErrors.PathNotFileSystem,
                        $"'{path}' is not a file-system path (provider {provider.Name}).", "Pass the path of a file on disk."), path));
                    continue;
                }
            }
            catch (Exception failure) when (failure is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException)
            {
                failed(AgbCmdlet.ToErrorRecord(NotFound(path), path));
                continue;
            }
            foreach (string item in resolved)
            {
                if (Path.Exists(item))
                    yield return item;
                else
                    failed(AgbCmdlet.ToErrorRecord(NotFound(item), item));
            }
        }
    }

    public static AgbException NotFound(string path) => new(AgbErrorKind.NotFound, LocalErrors.PathNotFound,
        $"Cannot find the file '{path}'.", "Check the path; it is relative to the current location.");

    /// <summary>The path relative to the folder when it is inside it (not the folder itself), else null.</summary>
    public static string? Below(string folder, string path)
    {
        string relative = Path.GetRelativePath(folder, path);
        bool outside = Path.IsPathRooted(relative) || relative is "." or ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        return outside ? null : relative;
    }
}
