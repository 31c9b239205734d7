using System.Text.Json;
using AgbCode.Client.Streaming;
using AgbCode.Client.Tests.Support;
using AgbCode.Core.Results;

namespace AgbCode.Client.Tests.Parsing;

/// <summary>The WebSocket frames of §4: the run frame the client sends, and the assembly of what the server streams back.</summary>
public class StreamFrameTests
{
    private const string Id = "0123456789abcdef0123456789abcdef";

    /// <summary>Feeds recorded frames to a run as the connection's receive loop does.</summary>
    private static (StreamRun Run, RecordingObserver Observer) Play(string recorded)
    {
        var observer = new RecordingObserver();
        var run = new StreamRun(Id, observer);
        foreach (string text in Recorded.Frames(recorded, Id))
        {
            WsFrames.Incoming frame = WsFrames.Read(text);
            Assert.Equal((WsFrames.Kind.Message, Id), (frame.Kind, frame.InvocationId));
            run.OnData(frame.Data);
        }
        return (run, observer);
    }

    private static EnhancedCodeExecutionResult Completed(StreamRun run)
    {
        Assert.True(run.Ended.IsCompletedSuccessfully);
        return run.Completed(run.Ended.Result);
    }

    [Fact]
    public void The_run_frame_has_the_reference_shape()
    {
        string invocationId = WsFrames.NewInvocationId();
        JsonElement frame = JsonDocument.Parse(WsFrames.RunCode(invocationId, "codespace", "python", 30, "print('é')")).RootElement;

        Assert.Matches("^[0-9a-f]{32}$", invocationId);
        Assert.Equal((invocationId, "SDK", "codespace"), (frame.GetProperty("invocationId").GetString(), frame.GetProperty("source").GetString(), frame.GetProperty("target").GetString()));
        JsonElement data = frame.GetProperty("data");
        Assert.Equal(("run_code", "stream"), (data.GetProperty("method").GetString(), data.GetProperty("mode").GetString()));
        JsonElement p = data.GetProperty("params");
        Assert.Equal(("python", 30, "print('é')"), (p.GetProperty("language").GetString(), p.GetProperty("timeoutS").GetInt32(), p.GetProperty("code").GetString()));
    }

    [Fact]
    public void Events_reach_the_observer_in_order_and_the_end_frame_gives_the_verdict()
    {
        (StreamRun run, RecordingObserver observer) = Play("ws-stream.json");
        EnhancedCodeExecutionResult r = Completed(run);

        // an unknown event type and a non-string chunk are ignored
        Assert.Equal(["stdout:hello\n", "stderr:careful\n", "result:42", "stdout:2\n"], observer.Events);
        Assert.True(r.Success);
        Assert.Equal(Id, r.RequestId);
        Assert.Equal((2, 0.5), (r.ExecutionCount, r.ExecutionTime));
        Assert.Equal(["hello\n", "2\n"], r.Logs.Stdout);
        ExecutionResult result = Assert.Single(r.Results);
        Assert.True(result.IsMainResult);
        Assert.NotNull(result.Png);
        Assert.Equal("point", JsonData.ToElement(result.Chart).GetProperty("mark").GetString());
    }

    [Fact]
    public void An_error_event_fails_the_run_with_its_code_message_and_trace_id()
    {
        (StreamRun run, RecordingObserver observer) = Play("ws-stream-error-event.json");
        EnhancedCodeExecutionResult r = Completed(run);

        Assert.Equal(["stdout:about to fail\n", "error:ZeroDivisionError"], observer.Events);
        Assert.False(r.Success);
        Assert.Equal(("ZeroDivisionError", "division by zero", "traceId=trace-7"), (r.Error!.Name, r.Error.Value, r.Error.Traceback));
        Assert.Equal("ZeroDivisionError: division by zero", r.ErrorMessage);   // executionError wins for the message
        Assert.Equal(3, r.ExecutionCount);
    }

    [Fact]
    public void A_server_TimeoutError_passes_through_by_name()
    {
        EnhancedCodeExecutionResult r = Completed(Play("ws-stream-timeout-error.json").Run);

        Assert.False(r.Success);
        Assert.Equal("TimeoutError", r.Error!.Name);
        Assert.Equal("The run exceeded its 1 s timeout", r.ErrorMessage);
    }

    [Fact]
    public void Status_failed_alone_fails_the_run_with_an_empty_message()
    {
        EnhancedCodeExecutionResult r = Completed(Play("ws-stream-failed-status.json").Run);

        Assert.False(r.Success);
        Assert.Equal("", r.ErrorMessage);
        Assert.Null(r.ExecutionCount);   // not an int
    }

    [Fact]
    public void Stringified_data_and_the_requestId_fallback_are_accepted()
    {
        (StreamRun run, RecordingObserver observer) = Play("ws-stream-string-data.json");
        EnhancedCodeExecutionResult r = Completed(run);

        Assert.Equal(["stdout:stringified\n"], observer.Events);
        Assert.True(r.Success);
        Assert.Equal(0.25, r.ExecutionTime);
    }

    [Fact]
    public void Result_and_error_payloads_of_other_shapes()
    {
        EnhancedCodeExecutionResult r = Completed(Play("ws-stream-result-payloads.json").Run);

        Assert.Equal("not a dict", r.Results[0].Text);
        Assert.Equal(("<i>x</i>", true), (r.Results[1].Html, r.Results[1].IsMainResult));
        Assert.Equal(("ExecutionError", "error event without an error object"), (r.Error!.Name, r.Error.Value));
        Assert.False(r.Success);
    }

    [Theory]
    [InlineData("ws-remote-error.json", "backend unavailable")]
    [InlineData("ws-phase-error.json", "run_code is not allowed")]
    [InlineData("ws-missing-phase.json", "missing required data.phase")]
    public void Remote_and_protocol_errors_end_the_stream_keeping_what_arrived(string recorded, string expected)
    {
        (StreamRun run, _) = Play(recorded);

        Assert.True(run.Ended.IsFaulted);
        var failure = Assert.IsType<WsStreamException>(run.Ended.Exception!.InnerException);
        Assert.Contains(expected, failure.Message);
        EnhancedCodeExecutionResult r = run.Stopped("ExecutionError", failure.Message, prefixName: false);
        Assert.False(r.Success);
        Assert.Equal("", r.RequestId);
        Assert.Equal(failure.Message, r.ErrorMessage);
        if (recorded == "ws-remote-error.json")
            Assert.Equal(["partial\n"], r.Logs.Stdout);
    }

    [Fact]
    public void Frames_after_the_end_are_ignored()
    {
        (StreamRun run, RecordingObserver observer) = Play("ws-stream.json");
        Completed(run);
        run.OnData(JsonDocument.Parse("""{"phase":"event","eventType":"stdout","chunk":"late"}""").RootElement);

        Assert.DoesNotContain("stdout:late", observer.Events);
    }

    [Theory]
    [InlineData("not json", "Invalid")]
    [InlineData("[1]", "Invalid")]
    [InlineData("""{"type":"pong"}""", "Pong")]
    [InlineData("""{"type":"ping"}""", "Ping")]
    [InlineData("""{"data":{"phase":"end"}}""", "Invalid")]
    [InlineData("""{"invocationId":"x","data":"not an object"}""", "Invalid")]
    [InlineData("""{"invocationId":"x","data":{"phase":"end"}}""", "Message")]
    public void Received_frames_are_classified(string text, string kind) => Assert.Equal(kind, WsFrames.Read(text).Kind.ToString());
}
