using System.Text;
using System.Text.Json;
using AgbCode.Client.Parsing;
using AgbCode.Client.Routes;
using AgbCode.Core.Errors;
using AgbCode.Core.Files;

namespace AgbCode.Client.Files;

/// <summary>
/// A remote session's workspace through the AGB file tools and shell, in chunks as large as the endpoint takes
/// (<see cref="FileToolFeatures"/>). To an AGB endpoint text chunks go in the SDKs' plain mode and a chunk that is not
/// valid UTF-8 as base64 with format "binary"; to an AgbCode server every chunk goes as base64, whose size is known in
/// advance. A file written in several chunks goes to a hidden part file first and is renamed into place, so a failed
/// transfer leaves no partial file.
/// </summary>
internal sealed partial class AgbWorkspaceFiles(AgbCloudSession session, AgbClientOptions options) : IWorkspaceFiles
{
    private const string PartPrefix = ".agb-part-";
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
    private FileToolFeatures? _features;

    public async Task<WorkspaceItem?> GetItemAsync(string path, CancellationToken cancellationToken = default)
    {
        FileToolFeatures features = await FeaturesAsync(cancellationToken).ConfigureAwait(false);
        var args = new Dictionary<string, object> { ["path"] = path };
        if (features.JsonInfo)
            args["format"] = "json";
        ToolReply reply = await CallAsync("get_file_info", args, cancellationToken).ConfigureAwait(false);
        if (reply.Failed)
        {
            AgbException failure = AgbErrors.FileTool(session.Id, session.Location, "get_file_info", reply.Text);
            // an endpoint that tags its errors says when the item is missing; any other's failure means the same to the SDKs
            return failure.ErrorId is WorkspaceErrors.ItemNotFound or WorkspaceErrors.FileOperationFailed ? null : throw failure;
        }
        return features.JsonInfo
            ? ItemText.FromJsonItem(reply.Text, session.Id) ?? throw AgbErrors.FileTool(session.Id, session.Location, "get_file_info", "the answer is not a JSON object")
            : ItemText.FromInfo(reply.Text, path, session.Id);
    }

    public async Task<IReadOnlyList<WorkspaceItem>> ListAsync(string path, bool recurse, CancellationToken cancellationToken = default)
    {
        ToolReply reply = await CallAsync("list_directory",
            new Dictionary<string, object> { ["path"] = path, ["format"] = "json", ["recursive"] = recurse }, cancellationToken).ConfigureAwait(false);
        if (reply.Failed)
            return await GetItemAsync(path, cancellationToken).ConfigureAwait(false) is { IsDirectory: false } file
                ? [file]
                : throw AgbErrors.ItemMissing(session.Id, path);
        return ItemText.FromJsonListing(reply.Text, session.Id) ?? await ListFromLinesAsync(path, reply.Text, recurse, cancellationToken).ConfigureAwait(false);
    }

    // A server without the JSON listing: the SDK lines, then get_file_info for each entry.
    private async Task<IReadOnlyList<WorkspaceItem>> ListFromLinesAsync(string path, string text, bool recurse, CancellationToken cancellationToken)
    {
        var items = new List<WorkspaceItem>();
        foreach ((string name, bool isDirectory) in ItemText.FromLines(text))
        {
            string child = ItemText.Join(path, name);
            WorkspaceItem item = await GetItemAsync(child, cancellationToken).ConfigureAwait(false)
                ?? new WorkspaceItem { Name = name, Path = child, IsDirectory = isDirectory, SessionId = session.Id };
            items.Add(item);
            if (recurse && item.IsDirectory)
                items.AddRange(await ListAsync(child, true, cancellationToken).ConfigureAwait(false));
        }
        return items;
    }

    public async Task<bool> RemoveAsync(string path, bool recurse, CancellationToken cancellationToken = default)
    {
        WorkspaceItem? item = await GetItemAsync(path, cancellationToken).ConfigureAwait(false);
        if (item is null)
            return false;
        bool oneCall = (await FeaturesAsync(cancellationToken).ConfigureAwait(false)).RecursiveDelete;
        if (item.IsDirectory && recurse && !oneCall)
        {
            // deepest first, so each folder is empty when its turn comes
            foreach (WorkspaceItem inside in (await ListAsync(path, true, cancellationToken).ConfigureAwait(false))
                         .OrderByDescending(i => i.Path.Count(c => c == '/')).ThenBy(i => i.IsDirectory))
                await RequireAsync("delete_file", new Dictionary<string, object> { ["path"] = inside.Path }, cancellationToken).ConfigureAwait(false);
        }
        var args = new Dictionary<string, object> { ["path"] = path };
        if (oneCall && recurse)
            args["recursive"] = true;
        await RequireAsync("delete_file", args, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<byte[]> ReadAsync(string path, long offset, int length, CancellationToken cancellationToken = default)
    {
        string text = await RequireAsync("read_file", new Dictionary<string, object>
        {
            ["path"] = path, ["offset"] = offset, ["length"] = length, ["format"] = "binary",
        }, cancellationToken).ConfigureAwait(false);
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw AgbErrors.FileTool(session.Id, session.Location, "read_file", "the answer is not base64");
        }
    }

    public Task WriteAsync(string path, ReadOnlyMemory<byte> content, bool append, CancellationToken cancellationToken = default)
    {
        var source = new MemoryStream(content.ToArray(), writable: false);
        return WriteStreamAsync(path, source, content.Length, append, null, cancellationToken);
    }

    /// <summary>Writes <paramref name="length"/> bytes from <paramref name="source"/> in chunks, reporting each chunk's bytes.</summary>
    internal async Task WriteStreamAsync(string path, Stream source, long length, bool append, Action<int>? chunkDone, CancellationToken cancellationToken)
    {
        FileToolFeatures features = await FeaturesAsync(cancellationToken).ConfigureAwait(false);
        bool staged = !append && length > features.ChunkBytes;
        string target = staged ? PartName(path) : path;
        var buffer = new byte[(int)Math.Min(features.ChunkBytes, Math.Max(length, 1))];
        long written = 0;
        bool first = true;
        try
        {
            while (first || written < length)
            {
                int want = (int)Math.Min(features.ChunkBytes, length - written);
                int count = await source.ReadAtLeastAsync(buffer.AsMemory(0, want), want, throwOnEndOfStream: true, cancellationToken).ConfigureAwait(false);
                await WriteChunkAsync(target, buffer.AsMemory(0, count), first && !append ? "overwrite" : "append", features, cancellationToken).ConfigureAwait(false);
                written += count;
                first = false;
                chunkDone?.Invoke(count);
            }
            if (staged)
                await MoveAsync(target, path, cancellationToken).ConfigureAwait(false);
        }
        catch when (staged)
        {
            await CallAsync("delete_file", new Dictionary<string, object> { ["path"] = target }, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private Task WriteChunkAsync(string path, ReadOnlyMemory<byte> chunk, string mode, FileToolFeatures features, CancellationToken cancellationToken) =>
        RequireAsync("write_file", WriteArgs(path, chunk.Span, mode, features.BinaryWrites), cancellationToken);

    public Task CreateDirectoryAsync(string path, CancellationToken cancellationToken = default) =>
        RequireAsync("create_directory", new Dictionary<string, object> { ["path"] = path }, cancellationToken);

    public Task MoveAsync(string source, string destination, CancellationToken cancellationToken = default) =>
        RequireAsync("move_file", new Dictionary<string, object> { ["source"] = source, ["destination"] = destination }, cancellationToken);

    public async Task<ShellResult> ShellAsync(string command, string? workingDirectory, IReadOnlyDictionary<string, string>? environment,
        TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var args = new Dictionary<string, object> { ["command"] = command, ["timeout_ms"] = (long)Math.Ceiling(timeout.TotalMilliseconds) };
        if (workingDirectory is not null)
            args["cwd"] = workingDirectory;
        if (environment is { Count: > 0 })
            args["envs"] = environment;
        ToolReply reply = await session.CallToolAsync("shell", args, timeout + options.HttpTimeout, cancellationToken).ConfigureAwait(false);
        if (Json.TryParse(reply.Text) is not { ValueKind: JsonValueKind.Object } json)
            return reply.Failed
                ? throw AgbErrors.FileTool(session.Id, session.Location, "shell", reply.Text)
                : new ShellResult(reply.Text, "", 0, false);
        int exit = Json.Int(Json.GetAny(json, "exit_code", "errorCode")) ?? (reply.Failed ? -1 : 0);
        return new ShellResult(Json.StrOrNull(Json.Get(json, "stdout")) ?? "", Json.StrOrNull(Json.Get(json, "stderr")) ?? "", exit, exit == 124);
    }

    /// <summary>
    /// write_file's arguments for one chunk: base64 with format "binary" when <paramref name="binary"/> (or when the chunk
    /// is not valid UTF-8), else plain text.
    /// </summary>
    internal static Dictionary<string, object> WriteArgs(string path, ReadOnlySpan<byte> chunk, string mode, bool binary)
    {
        var args = new Dictionary<string, object> { ["path"] = path, ["mode"] = mode };
        if (!binary && Utf8OrNull(chunk) is string text)
        {
            args["content"] = text;
            return args;
        }
        args["content"] = Convert.ToBase64String(chunk);
        args["format"] = "binary";
        return args;
    }

    private static string? Utf8OrNull(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>A hidden, unique name beside <paramref name="path"/> (short, so any file name leaves room for it).</summary>
    private static string PartName(string path)
    {
        int slash = path.LastIndexOf('/');
        string part = PartPrefix + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
        return slash < 0 ? part : path[..(slash + 1)] + part;
    }

    private async Task<FileToolFeatures> FeaturesAsync(CancellationToken cancellationToken) =>
        _features ??= FileToolFeatures.From(await session.ToolListAsync(cancellationToken).ConfigureAwait(false), options);

    private Task<ToolReply> CallAsync(string tool, Dictionary<string, object> args, CancellationToken cancellationToken) =>
        session.CallToolAsync(tool, args, options.HttpTimeout, cancellationToken);

    /// <summary>Calls the tool and returns its text; a tool failure throws with the server's message.</summary>
    private async Task<string> RequireAsync(string tool, Dictionary<string, object> args, CancellationToken cancellationToken)
    {
        ToolReply reply = await CallAsync(tool, args, cancellationToken).ConfigureAwait(false);
        return reply.Failed ? throw AgbErrors.FileTool(session.Id, session.Location, tool, reply.Text) : reply.Text;
    }
}
