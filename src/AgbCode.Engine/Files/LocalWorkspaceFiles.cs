using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgbCode.Core.Errors;
using AgbCode.Core.Files;
using AgbCode.Engine.Kernels;
using AgbCode.Engine.Sandbox;
using AgbCode.Core.Display;

namespace AgbCode.Engine.Files;

/// <summary>
/// A local session's files. Every operation goes to the file helper (agb_files.py), kept alive in a sandbox of the
/// session as its uid (<see cref="FileHelperPool"/>), and streams the request and a tar archive or bytes through its
/// stdin and stdout, as kubectl cp does: the host never opens a path inside the workspace (docs/files.md).
/// </summary>
internal sealed partial class LocalWorkspaceFiles(KernelContext context, EngineLog log) : IWorkspaceFiles
{
    private const long AnswerCap = 256L * 1024 * 1024;

    private readonly FileHelperPool _helpers = new(context, log);
    private readonly ConcurrentDictionary<SandboxRun, byte> _running = new();
    private int _shells;
    private volatile bool _closed;

    /// <summary>How many file helpers are alive now (for tests of their lifetime).</summary>
    internal int LiveHelpers => _helpers.LiveCount;

    public async Task<WorkspaceItem?> GetItemAsync(string path, CancellationToken cancellationToken = default)
    {
        JsonNode? answer = await AskAsync(new JsonObject { ["op"] = "stat", ["path"] = Checked(path) }, path, cancellationToken).ConfigureAwait(false);
        return answer is JsonObject item ? ToItem(item) : null;
    }

    public async Task<IReadOnlyList<WorkspaceItem>> ListAsync(string path, bool recurse, CancellationToken cancellationToken = default)
    {
        JsonNode? answer = await AskAsync(new JsonObject { ["op"] = "list", ["path"] = Checked(path), ["recurse"] = recurse }, path, cancellationToken)
            .ConfigureAwait(false);
        return [.. answer!.AsArray().Select(node => ToItem(node!.AsObject()))];
    }

    public Task UploadAsync(Stream archive, string destination, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var request = new JsonObject { ["op"] = "upload", ["destination"] = Checked(destination) };
        return PerformAsync(request, destination, input => input.CopyFromAsync(archive, progress, cancellationToken), Ignore, cancellationToken);
    }

    public Task DownloadAsync(IReadOnlyList<string> paths, Stream archive, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(archive);
        if (paths.Count == 0)
            throw new AgbException(AgbErrorKind.BadInput, WorkspaceErrors.NoPath, "No item to download was named.", "Name at least one path in the session.");
        var request = new JsonObject { ["op"] = "download", ["paths"] = new JsonArray([.. paths.Select(p => (JsonNode)Checked(p))]) };
        long total = 0;
        return PerformAsync(request, paths[0], null, async piece =>
        {
            await archive.WriteAsync(piece, cancellationToken).ConfigureAwait(false);
            progress?.Report(total += piece.Length);
        }, cancellationToken);
    }

    public async Task<bool> RemoveAsync(string path, bool recurse, CancellationToken cancellationToken = default)
    {
        JsonNode? answer = await AskAsync(new JsonObject { ["op"] = "remove", ["path"] = Checked(path), ["recurse"] = recurse }, path, cancellationToken)
            .ConfigureAwait(false);
        return answer!["removed"]!.GetValue<bool>();
    }

    public async Task<byte[]> ReadAsync(string path, long offset, int length, CancellationToken cancellationToken = default)
    {
        if (offset < 0 || length < 0)
            throw new AgbException(AgbErrorKind.BadInput, WorkspaceErrors.BadRange, $"A read needs a non-negative offset and length (got {offset} and {length}).",
                "Pass offset 0 and length 0 to read the whole file.");
        long cap = length > 0 ? length : Math.Min(AnswerCap, Array.MaxLength);
        var content = new MemoryStream();
        var request = new JsonObject { ["op"] = "read", ["path"] = Checked(path), ["offset"] = offset, ["length"] = length };
        await PerformAsync(request, path, null, piece => Keep(content, piece, cap, path), cancellationToken).ConfigureAwait(false);
        return content.ToArray();
    }

    public Task WriteAsync(string path, ReadOnlyMemory<byte> content, bool append, CancellationToken cancellationToken = default)
    {
        var request = new JsonObject { ["op"] = "write", ["path"] = Checked(path), ["append"] = append };
        return PerformAsync(request, path, input => input.WriteAsync(content, cancellationToken).AsTask(), Ignore, cancellationToken);
    }

    public Task CreateDirectoryAsync(string path, CancellationToken cancellationToken = default) =>
        AskAsync(new JsonObject { ["op"] = "mkdir", ["path"] = Checked(path) }, path, cancellationToken);

    public Task MoveAsync(string source, string destination, CancellationToken cancellationToken = default) =>
        AskAsync(new JsonObject { ["op"] = "move", ["source"] = Checked(source), ["destination"] = Checked(destination) }, destination, cancellationToken);

    /// <summary>No new operation starts; running ones are killed. Called when the session is removed, before its workspace goes.</summary>
    public async Task CloseAsync()
    {
        _closed = true;
        await Task.WhenAll(_running.Keys.Select(run => run.KillAsync())).ConfigureAwait(false);
        await _helpers.DisposeAsync().ConfigureAwait(false);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!_running.IsEmpty && DateTime.UtcNow < deadline)
            await Task.Delay(10).ConfigureAwait(false);
    }

    // ---- one operation on the session's file helper ---------------------------------------------------------------------

    private async Task<JsonNode?> AskAsync(JsonObject request, string where, CancellationToken cancellationToken)
    {
        var answer = new MemoryStream();
        await PerformAsync(request, where, null, piece => Keep(answer, piece, AnswerCap, where), cancellationToken).ConfigureAwait(false);
        return answer.Length == 0 ? null : JsonNode.Parse(answer.ToArray());
    }

    private async Task PerformAsync(JsonObject request, string where, Func<FrameStream, Task>? send, Func<ReadOnlyMemory<byte>, Task> receive,
        CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        try
        {
            await _helpers.UseAsync(helper => helper.PerformAsync(request, where, send, receive, cancellationToken)).ConfigureAwait(false);
        }
        catch (AgbException) when (_closed)
        {
            throw SessionClosed.Error(context.SessionId);   // removing the session stopped the helper
        }
    }

    private void ThrowIfClosed()
    {
        if (_closed)
            throw SessionClosed.Error(context.SessionId);
    }

    private static Task Ignore(ReadOnlyMemory<byte> piece) => Task.CompletedTask;

    private static Task Keep(MemoryStream kept, ReadOnlyMemory<byte> piece, long cap, string where)
    {
        if (kept.Length + piece.Length > cap)
            throw new AgbException(AgbErrorKind.InvalidState, WorkspaceErrors.AnswerTooLarge,
                $"What the session sent for '{InertText.OneLine(where)}' is larger than {Sizes.Format(cap)}.",
                "Read the file in ranges (offset and length), or download it as an archive.");
        kept.Write(piece.Span);
        return Task.CompletedTask;
    }

    /// <summary>A path the helper can take: any text without NUL (relative: the workspace; absolute: the sandbox).</summary>
    private static string Checked(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Contains('\0'))
            throw new AgbException(AgbErrorKind.BadInput, WorkspaceErrors.BadPath, "A path in a session cannot contain a NUL character.",
                "Remove the NUL from the path.");
        return path;
    }

    private WorkspaceItem ToItem(JsonObject item) => new()
    {
        Name = item["name"]!.GetValue<string>(),
        Path = item["path"]!.GetValue<string>(),
        IsDirectory = item["dir"]!.GetValue<bool>(),
        Length = item["length"]!.GetValue<long>(),
        LastWriteTime = DateTimeOffset.UnixEpoch.AddTicks(item["mtime_ns"]!.GetValue<long>() / 100),
        Mode = item["mode"]!.GetValue<int>(),
        LinkTarget = item["link"]?.GetValue<string>(),
        SessionId = context.SessionId,
    };
}
