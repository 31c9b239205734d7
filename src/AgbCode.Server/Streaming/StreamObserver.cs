using AgbCode.Core.Results;
using AgbCode.Core.Sessions;

namespace AgbCode.Server.Streaming;

/// <summary>Turns one run's events into frames for its invocation, in the order the engine reports them.</summary>
internal sealed class StreamObserver(string invocationId, OutboundQueue queue) : IRunObserver
{
    private int _seq;

    /// <summary>The next frame's sequence number (the end frame takes it after the run).</summary>
    public int NextSeq() => Interlocked.Increment(ref _seq);

    public void OnStdout(string text) => queue.Enqueue(Frames.Chunk(invocationId, NextSeq(), "stdout", text));

    public void OnStderr(string text) => queue.Enqueue(Frames.Chunk(invocationId, NextSeq(), "stderr", text));

    public void OnResult(ExecutionResult result) => queue.Enqueue(Frames.Result(invocationId, NextSeq(), result));

    public void OnError(ExecutionError error) => queue.Enqueue(Frames.Error(invocationId, NextSeq(), error.Name, error.Value, error.Traceback));
}
