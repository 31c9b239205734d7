using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgbCode.Core.Errors;
using AgbCode.Engine.Kernels;
using AgbCode.Engine.Kernels.Drivers;
using AgbCode.Engine.Sandbox;

namespace AgbCode.Engine.Files;

/// <summary>
/// The file helper (agb_files.py) kept alive in a sandbox of the session, serving one operation at a time over its
/// stdin and stdout in length-prefixed frames (the protocol is in agb_files.py's docstring). What it sends is hostile:
/// frames are parsed with bounds, data goes only to the operation's sink, and anything out of protocol kills it. A
/// helper that died, was killed, or failed an operation whose data was still coming is <see cref="IsBroken"/>: it is
/// never used again.
/// </summary>
internal sealed class FileHelper : IAsyncDisposable
{
    private const long ErrorCap = 64 * 1024;
    private const int OutcomeCap = 64 * 1024;
    private const int PieceBytes = 1024 * 1024;
    private const byte DataFrame = (byte)'D';
    private const byte EndFrame = (byte)'E';

    private static readonly SessionCommand Command = new()
    {
        Command = (driversDir, _) => [PythonDriver.Interpreter, "-I", "-S", Path.Combine(driversDir, "agb_files.py")],
    };

    private readonly KernelContext _context;
    private readonly SandboxRun _run;
    private readonly BufferedStream _output;
    private readonly FrameStream _input;
    private readonly byte[] _piece = new byte[PieceBytes];
    private volatile bool _broken;
    private Task? _stopped;

    private FileHelper(KernelContext context, SandboxRun run)
    {
        _context = context;
        _run = run;
        _output = new BufferedStream(run.Output, 64 * 1024);
        _input = new FrameStream(run.Input);
    }

    public bool IsBroken => _broken || _run.HasExited;

    /// <summary>Completes when the helper's sandbox has ended, for whatever reason.</summary>
    public Task Exited => _run.Exited;

    public static async Task<FileHelper> StartAsync(KernelContext context, string name) =>
        new(context, await SandboxRun.StartAsync(context, name, Command, ErrorCap).ConfigureAwait(false));

    /// <summary>
    /// Sends the request (and, with <paramref name="send"/>, its data), passes the answer's data to
    /// <paramref name="receive"/> piece by piece, and throws the helper's refusal or death as an AgbException.
    /// </summary>
    public async Task PerformAsync(JsonObject request, string where, Func<FrameStream, Task>? send, Func<ReadOnlyMemory<byte>, Task> receive,
        CancellationToken cancellationToken)
    {
        using CancellationTokenRegistration kill = cancellationToken.Register(Kill);
        Task<JsonObject> outcome = ReadOutcomeAsync(receive);
        try
        {
            await _input.WriteAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), cancellationToken).ConfigureAwait(false);
            if (send is not null)
            {
                await send(_input).ConfigureAwait(false);
                await _input.EndAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (IOException) { }   // the helper stopped reading: it failed, and its outcome or its exit says why
        catch
        {
            Kill();   // the caller's stream failed, or the call was cancelled: the helper cannot know where the data ends
            await outcome.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            throw;
        }
        JsonObject end;
        try
        {
            end = await outcome.ConfigureAwait(false);
        }
        catch
        {
            Kill();   // the sink failed, the answer was too big, or the helper broke the protocol or died
            cancellationToken.ThrowIfCancellationRequested();
            throw;
        }
        if (end["error"] is JsonNode kind)
        {
            if (send is not null)
                Kill();   // it exits after refusing data, rather than guess where that data ends
            throw HelperFailure.Refused(Text(kind), Text(end["message"]), _context.Limits, where);
        }
    }

    /// <summary>Starts killing the helper's sandbox (the stop <see cref="DisposeAsync"/> awaits); it is not used again.</summary>
    public void Kill() => Stop();

    /// <summary>Stops the helper and removes its cgroup; callers that overlap share the one stop.</summary>
    public ValueTask DisposeAsync() => new(Stop());

    private Task Stop()
    {
        _broken = true;
        lock (_run)
            return _stopped ??= _run.DisposeAsync().AsTask();
    }

    private async Task<JsonObject> ReadOutcomeAsync(Func<ReadOnlyMemory<byte>, Task> receive)
    {
        byte[] header = new byte[5];
        while (true)
        {
            if (!await ReadExactlyOrEndAsync(header).ConfigureAwait(false))
                throw await DeathAsync().ConfigureAwait(false);
            long length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
            if (header[0] == EndFrame && length <= OutcomeCap)
                return await ReadEndAsync((int)length).ConfigureAwait(false);
            if (header[0] != DataFrame)
                throw OutOfProtocol($"a frame of type {header[0]} and {length} bytes");
            while (length > 0)
            {
                int count = await _output.ReadAsync(_piece.AsMemory(0, (int)Math.Min(length, _piece.Length))).ConfigureAwait(false);
                if (count == 0)
                    throw await DeathAsync().ConfigureAwait(false);
                await receive(_piece.AsMemory(0, count)).ConfigureAwait(false);
                length -= count;
            }
        }
    }

    private async Task<JsonObject> ReadEndAsync(int length)
    {
        byte[] text = new byte[length];
        if (!await ReadExactlyOrEndAsync(text).ConfigureAwait(false))
            throw await DeathAsync().ConfigureAwait(false);
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw OutOfProtocol("an outcome that is not a JSON object");
        }
        catch (JsonException)
        {
            throw OutOfProtocol("an outcome that is not JSON");
        }
    }

    private async Task<bool> ReadExactlyOrEndAsync(byte[] buffer)
    {
        int read = await _output.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false).ConfigureAwait(false);
        return read == buffer.Length;
    }

    private async Task<AgbException> DeathAsync()
    {
        _broken = true;
        var (exitCode, errors, _) = await _run.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        return HelperFailure.Died(exitCode, errors);
    }

    private AgbException OutOfProtocol(string what)
    {
        _broken = true;
        return new AgbException(AgbErrorKind.Platform, WorkspaceErrors.FileHelperFailed,
            $"The session's file helper sent {what}, which the file protocol does not allow; it was stopped.",
            "Try again: the next operation starts a new helper. If it keeps failing, remove the session (Remove-AgbSession).");
    }

    private static string Text(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) ? text : "";
}
