using System.Text.Json.Nodes;
using AgbCode.Core.Files;
using AgbCode.Server.Api;
using static AgbCode.Server.Tools.Schema;
using static AgbCode.Server.Tools.Files.FileChangeTracker;

namespace AgbCode.Server.Tools.Files;

/// <summary>
/// get_file_change {path}: a JSON array of {eventType: create|modify|delete, path, pathType: file|directory} for what
/// changed below the folder since the previous call for it (the first call is the baseline: []). A file is modified
/// when its size or modification time changed.
/// </summary>
public sealed class GetFileChangeTool(FileToolLimits limits, FileChangeTracker tracker) : WorkspaceTool("get_file_change",
    "What changed below a folder since the previous call for it: a JSON array of {eventType, path, pathType}.",
    Object(PathArgument("The folder to watch")))
{
    protected override async Task<ToolAnswer> RunAsync(ToolCall call, IWorkspaceFiles files)
    {
        string root = call.Path();
        IReadOnlyList<Subtree.Entry> entries = await Subtree.ScanAsync(files, root, limits, Name, call.Cancellation);
        var now = new Snapshot(entries.ToDictionary(e => e.Relative, e => new State(e.Item.IsDirectory, e.Item.Length, e.Item.LastWriteTime), StringComparer.Ordinal));
        Snapshot? before = tracker.Swap(call.Session, root, now);
        var events = new JsonArray();
        if (before is not null)
        {
            foreach ((string path, State state) in now.Items)
            {
                if (!before.Items.TryGetValue(path, out State? old))
                    events.Add(Event("create", root, path, state));
                else if (!state.IsDirectory && (old.Length != state.Length || old.LastWriteTime != state.LastWriteTime))
                    events.Add(Event("modify", root, path, state));
            }
            foreach ((string path, State state) in before.Items.Where(i => !now.Items.ContainsKey(i.Key)))
                events.Add(Event("delete", root, path, state));
        }
        return new ToolAnswer(events.ToJsonString(WireJson.Options));
    }

    private static JsonObject Event(string type, string root, string relative, State state) => new()
    {
        ["eventType"] = type,
        ["path"] = Subtree.Show(root, relative),
        ["pathType"] = state.IsDirectory ? "directory" : "file",
    };
}
