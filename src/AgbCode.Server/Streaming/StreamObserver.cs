using AgbCode.Core.Results;
using AgbCode.Core.Sessions;

namespace AgbCode.Server.Streaming;

/// <summary>
/// Turns one run's events into frames for its invocation, in the order the engine reports them. Never throws: it runs
/// on the engine's reader thread, which must not be disturbed by a problem with one client.
/// </summary>
internal sealed class StreamObserver(string invocationId, OutboundQueue queue, ILogger logger) : IRunObserver
{
    private int _seq;

    /// <summary>The next frame's sequence number (the end frame takes it after the run).</summary>
    public int NextSeq() => Interlocked.Increment(ref _seq);

    public void OnStdout(string text) => Send(() => Frames.Chunk(invocationId, NextSeq(), "stdout", text));

    public void OnStderr(string text) => Send(() => Frames.Chunk(invocationId, NextSeq(), "stderr", text));

    public void OnResult(ExecutionResult result) => Send(() => Frames.Result(invocationId, NextSeq(), result));

    public void OnError(ExecutionError error) => Send(() => Frames.Error(invocationId, NextSeq(), error.Name, error.Value, error.Traceback));

    public void OnDiagnostic(string message) => logger.LogDebug("Invocation {InvocationId}: {Diagnostic}", invocationId, message);

    private void Send(Func<byte[]> frame)
    {
        try
        {
            queue.Enqueue(frame());
        }
        catch (Exception error)
        {
            logger.LogError(error, "Invocation {InvocationId}: an event could not be sent", invocationId);
        }
    }
}
