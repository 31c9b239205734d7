using System.Buffers;
using System.IO.Pipelines;
using AgbCode.Server.Config;

namespace AgbCode.Server.Api;

/// <summary>
/// Reads a request body into memory, within the route's cap (<see cref="BodyLimit"/>), and cuts a client that stops
/// sending: every read must bring data within AGBCODE_BODY_IDLE_TIMEOUT_SEC, else the connection is closed. (Kestrel's
/// minimum data rate averages over the whole body, so a client that sends most of a body fast can then stall for hours.)
/// </summary>
public sealed class RequestBody(HttpContext context)
{
    private readonly ArrayBufferWriter<byte> _bytes = new(4 * 1024);

    public ReadOnlySpan<byte> Bytes => _bytes.WrittenSpan;
    /// <summary>True once the whole body was read.</summary>
    public bool Complete { get; private set; }

    /// <summary>Reads until the body ends or at least <paramref name="upTo"/> bytes are held.</summary>
    public async Task ReadAsync(long upTo = long.MaxValue)
    {
        if (Complete)
            return;
        PipeReader body = context.Request.BodyReader;
        TimeSpan idle = context.RequestServices.GetRequiredService<ServerOptions>().BodyIdleTimeout;
        using var stalled = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        while (_bytes.WrittenCount < upTo)
        {
            stalled.CancelAfter(idle);   // re-arms the timer: the limit is on each wait for data, not on the whole body
            ReadResult read;
            try
            {
                read = await body.ReadAsync(stalled.Token);
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                context.RequestServices.GetRequiredService<ILogger<RequestBody>>().LogInformation(
                    "Request body stalled for {IdleSec} s (AGBCODE_BODY_IDLE_TIMEOUT_SEC); connection closed", idle.TotalSeconds);
                context.Abort();
                throw;
            }
            ReadOnlySequence<byte> buffer = read.Buffer;
            long take = Math.Min(buffer.Length, upTo - _bytes.WrittenCount);
            foreach (ReadOnlyMemory<byte> segment in buffer.Slice(0, take))
                _bytes.Write(segment.Span);
            body.AdvanceTo(buffer.GetPosition(take));
            if (read.IsCompleted && take == buffer.Length)
            {
                Complete = true;
                return;
            }
        }
    }

    /// <summary>The whole body as a JSON object (an empty body is an empty object); malformed JSON is a 400.</summary>
    public async Task<System.Text.Json.Nodes.JsonObject> ReadObjectAsync()
    {
        await ReadAsync();
        return JsonBody.ParseObject(Bytes, "The request body");
    }
}
