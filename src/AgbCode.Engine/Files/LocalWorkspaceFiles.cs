using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgbCode.Core.Errors;
using AgbCode.Core.Files;
using AgbCode.Engine.Kernels;
using AgbCode.Engine.Kernels.Drivers;
using AgbCode.Engine.Sandbox;

namespace AgbCode.Engine.Files;

/// <summary>
/// A local session's files. Every operation starts the file helper (agb_files.py) in a fresh sandbox of the session,
/// as its uid, and streams the request and a tar archive or bytes through its stdin and stdout, as kubectl cp does:
/// the host never opens a path inside the workspace. A sandbox start costs a few tens of milliseconds (docs/files.md).
/// </summary>
internal sealed partial class LocalWorkspaceFiles(KernelContext context) : IWorkspaceFiles
{
    private const long AnswerCap = 256L * 1024 * 1024;
    private const long ErrorCap = 64 * 1024;
    private const int CopyBuffer = 1024 * 1024;

    private static readonly SessionCommand Helper = new()
    {
        Command = (driversDir, _) => [PythonDriver.Interpreter, "-I", "-S", Path.Combine(driversDir, "agb_files.py")],
    };

    private readonly ConcurrentDictionary<SandboxRun, byte> _running = new();
    private int _runs;
    private volatile bool _closed;

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
        return RunHelperAsync(request, destination, input => CopyAsync(archive, input, progress, cancellationToken), Drain, cancellationToken);
    }

    public Task DownloadAsync(IReadOnlyList<string> paths, Stream archive, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(archive);
        if (paths.Count == 0)
            throw new AgbException(AgbErrorKind.BadInput, "AgbNoPath", "No item to download was named.", "Name at least one path in the session.");
        var request = new JsonObject { ["op"] = "download", ["paths"] = new JsonArray([.. paths.Select(p => (JsonNode)Checked(p))]) };
        return RunHelperAsync(request, paths[0], null, output => CopyAsync(output, archive, progress, cancellationToken), cancellationToken);
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
            throw new AgbException(AgbErrorKind.BadInput, "AgbBadRange", $"A read needs a non-negative offset and length (got {offset} and {length}).",
                "Pass offset 0 and length 0 to read the whole file.");
        long cap = length > 0 ? length : Math.Min(AnswerCap, Array.MaxLength);
        byte[] content = [];
        var request = new JsonObject { ["op"] = "read", ["path"] = Checked(path), ["offset"] = offset, ["length"] = length };
        await RunHelperAsync(request, path, null, async output => content = await ReadUpToAsync(output, cap, path).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);
        return content;
    }

    public Task WriteAsync(string path, ReadOnlyMemory<byte> content, bool append, CancellationToken cancellationToken = default)
    {
        var request = new JsonObject { ["op"] = "write", ["path"] = Checked(path), ["append"] = append };
        return RunHelperAsync(request, path, input => input.WriteAsync(content, cancellationToken).AsTask(), Drain, cancellationToken);
    }

    public Task CreateDirectoryAsync(string path, CancellationToken cancellationToken = default) =>
        AskAsync(new JsonObject { ["op"] = "mkdir", ["path"] = Checked(path) }, path, cancellationToken);

    public Task MoveAsync(string source, string destination, CancellationToken cancellationToken = default) =>
        AskAsync(new JsonObject { ["op"] = "move", ["source"] = Checked(source), ["destination"] = Checked(destination) }, destination, cancellationToken);

    /// <summary>No new operation starts; running ones are killed. Called when the session is removed, before its workspace goes.</summary>
    public async Task CloseAsync()
    {
        _closed = true;
        foreach (SandboxRun run in _running.Keys)
            run.Kill();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!_running.IsEmpty && DateTime.UtcNow < deadline)
            await Task.Delay(10).ConfigureAwait(false);
    }

    // ---- one helper run ------------------------------------------------------------------------------------------------

    private async Task<JsonNode?> AskAsync(JsonObject request, string where, CancellationToken cancellationToken)
    {
        JsonNode? answer = null;
        await RunHelperAsync(request, where, null, async output =>
        {
            byte[] text = await ReadUpToAsync(output, AnswerCap, where).ConfigureAwait(false);
            answer = text.Length == 0 ? null : JsonNode.Parse(text);
        }, cancellationToken).ConfigureAwait(false);
        return answer;
    }

    private async Task RunHelperAsync(JsonObject request, string where, Func<Stream, Task>? send, Func<Stream, Task> receive,
        CancellationToken cancellationToken)
    {
        SandboxRun run = await StartAsync(Helper, ErrorCap).ConfigureAwait(false);
        try
        {
            using CancellationTokenRegistration kill = cancellationToken.Register(run.Kill);
            Task receiving = receive(run.Output);
            try
            {
                await run.Input.WriteAsync(Encoding.UTF8.GetBytes(request.ToJsonString() + "\n"), cancellationToken).ConfigureAwait(false);
                if (send is not null)
                    await send(run.Input).ConfigureAwait(false);
                run.Input.Close();
            }
            catch (IOException) { }   // the helper stopped reading: it failed, and its exit says why
            try
            {
                await receiving.ConfigureAwait(false);
            }
            catch
            {
                run.Kill();   // the caller's stream failed, or the answer was too big: stop the helper
                throw;
            }
            var (exitCode, errors, _) = await run.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            ThrowIfClosed();
            if (exitCode != 0)
                throw HelperFailure.From(exitCode, errors, context.Limits, where);
        }
        finally
        {
            await FinishAsync(run).ConfigureAwait(false);
        }
    }

    /// <summary>Starts a process in a fresh sandbox of the session, tracked so that removing the session kills it.</summary>
    private async Task<SandboxRun> StartAsync(SessionCommand command, long errorCap)
    {
        ThrowIfClosed();
        SandboxRun run = await SandboxRun.StartAsync(context, $"files-{Interlocked.Increment(ref _runs)}", command, errorCap).ConfigureAwait(false);
        _running[run] = 0;
        if (_closed)
            run.Kill();
        return run;
    }

    private async Task FinishAsync(SandboxRun run)
    {
        await run.DisposeAsync().ConfigureAwait(false);
        _running.TryRemove(run, out _);
    }

    private void ThrowIfClosed()
    {
        if (_closed)
            throw SessionClosed.Error(context.SessionId);
    }

    private static async Task CopyAsync(Stream from, Stream to, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[CopyBuffer];
        long total = 0;
        int count;
        while ((count = await from.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
            total += count;
            progress?.Report(total);
        }
    }

    private static Task Drain(Stream output) => SandboxRun.ReadCappedAsync(output, ErrorCap);

    private static async Task<byte[]> ReadUpToAsync(Stream stream, long cap, string where)
    {
        var kept = new MemoryStream();
        byte[] buffer = new byte[64 * 1024];
        int count;
        while ((count = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            if (kept.Length + count > cap)
                throw new AgbException(AgbErrorKind.InvalidState, "AgbAnswerTooLarge",
                    $"What the session sent for '{Printable.Of(where)}' is larger than {Sizes.Format(cap)}.",
                    "Read the file in ranges (offset and length), or download it as an archive.");
            kept.Write(buffer, 0, count);
        }
        return kept.ToArray();
    }

    /// <summary>A path the helper can take: any text without NUL (relative: the workspace; absolute: the sandbox).</summary>
    private static string Checked(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Contains('\0'))
            throw new AgbException(AgbErrorKind.BadInput, "AgbBadPath", "A path in a session cannot contain a NUL character.",
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
