using System.Text.Json.Nodes;
using AgbCode.Core.Files;

namespace AgbCode.Server.Tools.Files;

/// <summary>
/// An item as the JSON answers (format "json") give it: its exact name and path (a newline and all, which the line
/// answers must replace), size, time, mode and link target. The AgbCode client reads these; the SDKs never ask for them.
/// </summary>
public static class ItemJson
{
    public static JsonObject Of(WorkspaceItem item) => new()
    {
        ["name"] = item.Name,
        ["path"] = item.Path,
        ["isDirectory"] = item.IsDirectory,
        ["size"] = item.Length,
        ["modTime"] = item.LastWriteTime.ToUniversalTime().ToString("O"),
        ["mode"] = item.Mode,
        ["linkTarget"] = item.LinkTarget,
    };
}
