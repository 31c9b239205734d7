using AgbCode.Core.Errors;
using AgbCode.Core.Files;
using AgbCode.PowerShell.Cmdlets;
using AgbCode.PowerShell.Model;
using AgbCode.Core.Display;

namespace AgbCode.PowerShell.Files;

/// <summary>
/// Invoke-AgbCode's -InputPath and -OutputPath. Inputs go into the workspace at their path relative to the script's
/// folder (for -Code, the current location); an input outside that folder goes to the workspace root by its name. The
/// workspace is the code's working directory, so a script reads "data.csv" beside it as it would at home. After the run,
/// the workspace files it created or changed (by length and time, hidden ones left out) come back to the output folder
/// at the same relative paths, replacing files of the same name there.
/// </summary>
internal sealed class RunFiles(AgbCmdlet cmdlet, IReadOnlyList<string> inputs, string? outputFolder, bool passThru, CancellationToken stop)
{
    /// <summary>The workspace's visible files before a run: path → (length, last write).</summary>
    internal sealed record Snapshot(IReadOnlyDictionary<string, (long Length, DateTimeOffset Time)> Files);

    /// <summary>Copies the inputs in; returns what the workspace holds afterwards when outputs are wanted.</summary>
    public Snapshot? Before(AgbSession session, string scriptFolder)
    {
        if (inputs.Count > 0)
        {
            List<UploadItem> items = [.. inputs.SelectMany(input => UploadArchive.Plan(input, PlaceOf(input, scriptFolder)))];
            new WorkspaceTransfer(cmdlet, session.Inner.Files, stop).Upload(items, SessionPath.Workspace, $"Copying inputs to session {session.Id}",
                (item, failure) => cmdlet.WriteError(new System.Management.Automation.ErrorRecord(failure, LocalErrors.PathUnreadable,
                    System.Management.Automation.ErrorCategory.ReadError, item.LocalPath)));
            cmdlet.WriteVerbose($"Copied {items.Count} input item(s) to session {session.Id}.");
        }
        return outputFolder is null ? null : Take(session);
    }

    /// <summary>Copies back what the run created or changed since <paramref name="before"/>.</summary>
    public void After(AgbSession session, Snapshot before)
    {
        IReadOnlyDictionary<string, (long Length, DateTimeOffset Time)> after = Take(session).Files;
        List<string> changed = [.. after.Where(now => !before.Files.TryGetValue(now.Key, out var then) || then != now.Value).Select(now => now.Key)];
        cmdlet.WriteVerbose($"The run created or changed {changed.Count} file(s) in session {session.Id}.");
        if (changed.Count == 0)
            return;
        var extractor = new SafeTarExtractor(outputFolder!, overwrite: true, TransferLimits.Current());
        var transfer = new WorkspaceTransfer(cmdlet, session.Inner.Files, stop);
        foreach (var folder in changed.GroupBy(SessionPath.Parent))
        {
            string local = folder.Key == SessionPath.Workspace ? "" : folder.Key;
            Dictionary<string, string> names = folder.ToDictionary(SessionPath.Leaf, path => SessionPath.Join(local, SessionPath.Leaf(path)), StringComparer.Ordinal);
            transfer.Download([.. folder], folder.Sum(path => after[path].Length), $"Copying outputs from session {session.Id}", extractor,
                entry => CopyAgbItemCommand.Renamed(entry, names), Report);
        }
    }

    private void Report(ExtractedItem item)
    {
        if (item.Refusal is not null)
            cmdlet.WriteError(AgbCmdlet.ToErrorRecord(item.Refusal, InertText.OneLine(item.EntryName)));
        else if (passThru && !item.IsDirectory)
            cmdlet.WriteObject(cmdlet.LocalItem(item.LocalPath!));
    }

    private Snapshot Take(AgbSession session) => new(cmdlet.Await(session.Inner.Files.ListAsync(SessionPath.Workspace, recurse: true, stop))
        .Where(item => !item.IsDirectory && item.LinkTarget is null && !SessionPath.IsHidden(item.Path))
        .ToDictionary(item => item.Path, item => (item.Length, item.LastWriteTime), StringComparer.Ordinal));

    /// <summary>Where an input goes in the workspace: its path relative to the script's folder, else its own name.</summary>
    internal static string PlaceOf(string input, string scriptFolder) =>
        LocalPaths.Below(scriptFolder, input)?.Replace(Path.DirectorySeparatorChar, '/')
            ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(input));
}
