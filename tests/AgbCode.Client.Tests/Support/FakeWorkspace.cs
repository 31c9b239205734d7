using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace AgbCode.Client.Tests.Support;

/// <summary>
/// The fake server's session files, in memory, answering the AGB file tools and shell in the SDKs' text formats
/// (list_directory lines, get_file_info lines, read_file base64), plus write_file's format "binary". It records every
/// tool call, and <see cref="Refuse"/> makes a call fail as a full disk would.
/// </summary>
internal sealed class FakeWorkspace
{
    public ConcurrentDictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, bool> Folders { get; } = new(StringComparer.Ordinal);
    public ConcurrentQueue<(string Tool, JsonElement Args)> Calls { get; } = new();
    /// <summary>Answers a call with this tool error instead of doing it, when it returns one.</summary>
    public Func<string, JsonElement, string?>? Refuse { get; set; }
    /// <summary>Answers a call with this text instead of doing it, when it returns one (a broken or hostile server).</summary>
    public Func<string, JsonElement, string?>? Forge { get; set; }
    public Func<JsonElement, (string Json, bool IsError)> Shell { get; set; } = _ => ("""{"stdout":"","stderr":"","exit_code":0,"traceId":"t"}""", false);

    public IEnumerable<JsonElement> Seen(string tool) => Calls.Where(c => c.Tool == tool).Select(c => c.Args);

    public (string Text, bool IsError) Answer(string tool, JsonElement args)
    {
        Calls.Enqueue((tool, args.Clone()));
        if (Refuse?.Invoke(tool, args) is string refusal)
            return (refusal, true);
        if (Forge?.Invoke(tool, args) is string forged)
            return (forged, false);
        string Path(string name = "path") => Normal(args.GetProperty(name).GetString()!);
        switch (tool)
        {
            case "write_file":
            {
                string content = args.GetProperty("content").GetString()!;
                byte[] bytes = args.TryGetProperty("format", out JsonElement f) && f.GetString() == "binary"
                    ? Convert.FromBase64String(content) : Encoding.UTF8.GetBytes(content);
                string path = Path();
                AddParents(path);
                Files[path] = args.GetProperty("mode").GetString() == "append" && Files.TryGetValue(path, out byte[]? old) ? [.. old, .. bytes] : bytes;
                return ("ok", false);
            }
            case "read_file":
            {
                if (!Files.TryGetValue(Path(), out byte[]? data))
                    return ("no such file", true);
                int offset = args.GetProperty("offset").GetInt32(), length = args.GetProperty("length").GetInt32();
                byte[] piece = data.Skip(offset).Take(length == 0 ? int.MaxValue : length).ToArray();
                return (Convert.ToBase64String(piece), false);
            }
            case "get_file_info":
            {
                string path = Path();
                bool folder = Folders.ContainsKey(path);
                if (!folder && !Files.ContainsKey(path))
                    return ("no such file", true);
                long size = folder ? 0 : Files[path].Length;
                return ($"name: {path.Split('/')[^1]}\npath: {path}\nsize: {size}\nisDirectory: {(folder ? "true" : "false")}\nmodTime: 2026-01-02T03:04:05Z\nmode: -rw-r--r--", false);
            }
            case "list_directory":
            {
                string path = Path();
                if (!Folders.ContainsKey(path))
                    return ("no such folder", true);
                string prefix = path == "." ? "" : path + "/";
                var lines = Folders.Keys.Where(k => Child(k, prefix)).Select(k => "[DIR] " + k[prefix.Length..])
                    .Concat(Files.Keys.Where(k => Child(k, prefix)).Select(k => "[FILE] " + k[prefix.Length..]));
                return (string.Join('\n', lines.Order(StringComparer.Ordinal)), false);
            }
            case "create_directory":
                AddParents(Path() + "/x");
                return ("ok", false);
            case "delete_file":
            {
                string path = Path();
                bool removed = Files.TryRemove(path, out _) || (Folders.ContainsKey(path) && !Folders.Keys.Concat(Files.Keys).Any(k => Child(k, path + "/")) && Folders.TryRemove(path, out _));
                return removed ? ("ok", false) : ("cannot delete", true);
            }
            case "move_file":
                return Files.TryRemove(Path("source"), out byte[]? moved) && (Files[Path("destination")] = moved) is not null ? ("ok", false) : ("no source", true);
            case "shell":
                return Shell(args);
            default:
                return ($"unknown tool {tool}", true);
        }
    }

    private void AddParents(string path)
    {
        Folders["."] = true;
        string[] parts = path.Split('/');
        for (int i = 1; i < parts.Length; i++)
            Folders[string.Join('/', parts[..i])] = true;
    }

    private static bool Child(string key, string prefix) => key.StartsWith(prefix, StringComparison.Ordinal) && key.Length > prefix.Length && !key[prefix.Length..].Contains('/');

    private static string Normal(string path) => path.TrimEnd('/') is { Length: > 0 } p ? p : ".";
}
