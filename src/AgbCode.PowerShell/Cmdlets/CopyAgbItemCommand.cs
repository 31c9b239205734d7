using System.Management.Automation;
using AgbCode.Core.Errors;
using AgbCode.Core.Contexts;
using AgbCode.Core.Files;
using AgbCode.PowerShell.Completers;
using AgbCode.PowerShell.Files;
using AgbCode.PowerShell.Model;
using AgbCode.Core.Display;

namespace AgbCode.PowerShell.Cmdlets;

/// <summary>
/// Copies files and folders into a session (-ToSession) or out of one (-FromSession), as Copy-Item does with
/// PowerShell sessions. What comes out is unpacked here by <see cref="SafeTarExtractor"/>.
/// </summary>
[Cmdlet(VerbsCommon.Copy, "AgbItem", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo), typeof(DirectoryInfo), typeof(WorkspaceItem))]
public sealed class CopyAgbItemCommand : AgbSessionItemCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName", PathProperty)]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Destination { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(SessionIdCompleter))]
    [SessionTransformation]
    public AgbSession? ToSession { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("SessionId")]
    [ArgumentCompleter(typeof(SessionIdCompleter))]
    [SessionTransformation]
    public AgbSession? FromSession { get; set; }

    /// <summary>The context to copy into (its name or id), on the backend $env:AGB_ENDPOINT names, else the local engine.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ContextNameCompleter))]
    public string? ToContext { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ContextNameCompleter))]
    public string? FromContext { get; set; }

    [Parameter]
    public SwitchParameter Recurse { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private bool Literal => ParameterSetName == LiteralPathSet;

    protected override void ProcessRecord()
    {
        int directions = new object?[] { ToSession, FromSession, ToContext, FromContext }.Count(d => d is not null);
        if (directions != 1)
        {
            WriteError(ToErrorRecord(new AgbException(AgbErrorKind.BadInput, "AgbCopyDirectionMissing",
                directions == 0 ? "Copy-AgbItem needs -ToSession, -FromSession, -ToContext or -FromContext."
                    : "Copy-AgbItem takes one of -ToSession, -FromSession, -ToContext and -FromContext.",
                "Copy into a session or context with -ToSession or -ToContext, out of one with -FromSession or -FromContext; to copy between them, copy out, then in."), null));
            return;
        }
        try
        {
            if ((ToContext ?? FromContext) is string context)
                InContext(context, files => Copy(files, $"context '{InertText.OneLine(context, 80)}'", into: ToContext is not null));
            else if (Resolve(ToSession ?? FromSession!) is [var session])
                Copy(session.Inner.Files, $"session {session.Id}", into: ToSession is not null);
        }
        catch (AgbException failure)
        {
            WriteError(ToErrorRecord(failure, Destination));
        }
    }

    private void Copy(IWorkspaceFiles files, string where, bool into)
    {
        if (into)
            CopyIn(files, where);
        else
            CopyOut(files, where);
    }

    /// <summary>Opens the context's files for the copy (holding it like a session does) and lets go of it afterwards.</summary>
    private void InContext(string context, Action<IWorkspaceFiles> copy)
    {
        IContextFiles opened = Await(Backends.For(null, null).Contexts.OpenFilesAsync(context, StopToken));
        try
        {
            copy(opened.Files);
        }
        finally
        {
            opened.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private bool Copyable(bool isDirectory, string shown)
    {
        if (!isDirectory || Recurse)
            return true;
        WriteError(ToErrorRecord(new AgbException(AgbErrorKind.BadInput, "AgbFolderNeedsRecurse",
            $"'{InertText.OneLine(shown)}' is a folder.", "Pass -Recurse to copy a folder with everything in it."), shown));
        return false;
    }

    // ---- into the session ----------------------------------------------------------------------------------------------

    private void CopyIn(IWorkspaceFiles files, string where)
    {
        List<string> sources = [.. LocalPaths.Resolve(this, Literal ? LiteralPath : Path, Literal, WriteError).Where(s => Copyable(Directory.Exists(s), s))];
        if (sources.Count == 0)
            return;
        string destination = Destination ?? SessionPath.Workspace;
        WorkspaceItem? existing = Await(files.GetItemAsync(destination, StopToken));
        bool into = existing is { IsDirectory: true } || sources.Count > 1 || destination.EndsWith('/');
        string folder = into ? destination : SessionPath.Parent(destination);
        List<(string Source, string Name)> roots = [];
        List<UploadItem> items = [];
        foreach (string source in sources)
        {
            string name = into ? System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(source)) : SessionPath.Leaf(destination);
            string target = SessionPath.Join(folder, name);
            if (!ShouldProcess($"Item: {source} Destination: {target} in {where}", "Copy"))
                continue;
            HashSet<string> taken = Force ? [] : TakenFiles(files, target);
            foreach (UploadItem item in UploadArchive.Plan(source, name))
            {
                if (!item.IsDirectory && taken.Contains(SessionPath.Join(folder, item.EntryName)))
                    WriteError(ToErrorRecord(new AgbException(AgbErrorKind.InvalidState, "AgbItemExists",
                        $"'{InertText.OneLine(SessionPath.Join(folder, item.EntryName))}' already exists in {where}; it was left as it was.",
                        "Pass -Force to overwrite it, or copy to another -Destination."), item.LocalPath));
                else
                    items.Add(item);
            }
            roots.Add((source, target));
        }
        if (items.Count == 0)
            return;
        new WorkspaceTransfer(this, files, StopToken).Upload(items, folder, $"Copying to {where}", (item, failure) =>
            WriteError(new ErrorRecord(failure, "AgbPathUnreadable", ErrorCategory.ReadError, item.LocalPath)));
        WriteVerbose($"Copied {items.Count} item(s) to '{folder}' in {where}.");
        if (PassThru)
            foreach (var (_, target) in roots)
                foreach (WorkspaceItem copied in Copied(files, target))
                    WriteObject(Emitted(copied));
    }

    /// <summary>The files (and links) already at <paramref name="target"/> in the session, which a copy without -Force keeps.</summary>
    private HashSet<string> TakenFiles(IWorkspaceFiles files, string target)
    {
        WorkspaceItem? there = Await(files.GetItemAsync(target, StopToken));
        if (there is null)
            return [];
        IEnumerable<WorkspaceItem> below = there.IsDirectory ? Await(files.ListAsync(target, recurse: true, StopToken)) : [there];
        return [.. below.Where(i => !i.IsDirectory).Select(i => i.Path)];
    }

    private IEnumerable<WorkspaceItem> Copied(IWorkspaceFiles files, string target)
    {
        WorkspaceItem? top = Await(files.GetItemAsync(target, StopToken));
        if (top is null)
            yield break;
        yield return top;
        if (top.IsDirectory)
            foreach (WorkspaceItem below in Await(files.ListAsync(target, recurse: true, StopToken)))
                yield return below;
    }

    // ---- out of the session ----------------------------------------------------------------------------------------------

    private void CopyOut(IWorkspaceFiles files, string where)
    {
        List<WorkspaceItem> sources = [.. Items(files, Literal ? LiteralPath : Path, Literal).Where(s => Copyable(s.IsDirectory, s.Path))];
        if (sources.Count == 0)
            return;
        string destination = GetUnresolvedProviderPathFromPSPath(Destination ?? ".");
        bool into = Directory.Exists(destination) || sources.Count > 1 || (Destination ?? "").EndsWith('/');
        string folder = into ? destination : System.IO.Path.GetDirectoryName(destination)!;
        List<(WorkspaceItem Source, string Name)> approved = [.. sources
            .Select(s => (Source: s, Name: into ? s.Name : System.IO.Path.GetFileName(destination)))
            .Where(c => ShouldProcess($"Item: {InertText.OneLine(c.Source.Path)} in {where} Destination: {System.IO.Path.Combine(folder, c.Name)}", "Copy"))];
        if (approved.Count == 0)
            return;
        var extractor = new SafeTarExtractor(folder, Force, TransferLimits.Current());
        var transfer = new WorkspaceTransfer(this, files, StopToken);
        foreach (var group in approved.GroupBy(c => SessionPath.Parent(c.Source.Path)))
        {
            Dictionary<string, string> names = group.ToDictionary(c => c.Source.Name, c => c.Name, StringComparer.Ordinal);
            transfer.Download([.. group.Select(c => c.Source.Path)], group.Sum(c => c.Source.Length), $"Copying from {where}",
                extractor, entry => Renamed(entry, names), Report);
        }
        WriteVerbose($"Copied {extractor.BytesWritten} bytes from {where} to '{folder}'.");
    }

    /// <summary>An archive entry's place here: its first part (the item's own name) becomes the name it is copied to.</summary>
    internal static string? Renamed(string entry, IReadOnlyDictionary<string, string> names)
    {
        int slash = entry.IndexOf('/');
        string first = slash < 0 ? entry : entry[..slash];
        return names.TryGetValue(first, out string? name) ? name + (slash < 0 ? "" : entry[slash..]) : null;
    }

    private void Report(ExtractedItem item)
    {
        if (item.Refusal is not null)
            WriteError(ToErrorRecord(item.Refusal, InertText.OneLine(item.EntryName)));
        else if (PassThru)
            WriteObject(LocalItem(item.LocalPath!));
    }
}
