using System.Text.Json;
using AgbCode.Client.Tests.Support;
using AgbCode.Core.Errors;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;

namespace AgbCode.Client.Tests.Protocol;

/// <summary>The WebSocket route against a loopback server playing the AGB cloud: order, liveness, heartbeats, cancel, reconnect.</summary>
public sealed class StreamingTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);   // an upper bound for a hang, never a timing claim
    private FakeAgbServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeAgbServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(AgbCloudSpace Space, ICodeSession Session)> SessionAsync(AgbClientOptions? options = null)
    {
        AgbCloudSpace space = _server.Space(options);
        return (space, await space.CreateSessionAsync(new SessionOptions()));
    }

    [Fact]
    public async Task A_run_streams_the_recorded_events_and_sends_the_reference_frame()
    {
        (_, ICodeSession session) = await SessionAsync();
        var observer = new RecordingObserver();

        EnhancedCodeExecutionResult r = await session.RunAsync(new RunRequest("print('hello')", "PY", 45), observer).WaitAsync(Patience);

        Assert.Equal(["stdout:hello\n", "stderr:careful\n", "result:42", "stdout:2\n"], observer.Events);
        Assert.True(r.Success);
        Assert.Equal(("python", FakeAgbServer.SessionId), (r.Language, r.SessionId));
        JsonElement frame = Assert.Single(_server.RunFrames);
        Assert.Equal(frame.GetProperty("invocationId").GetString(), r.RequestId);
        Assert.Equal(("SDK", "codespace"), (frame.GetProperty("source").GetString(), frame.GetProperty("target").GetString()));
        JsonElement p = frame.GetProperty("data").GetProperty("params");
        Assert.Equal(("python", 45, "print('hello')"), (p.GetProperty("language").GetString(), p.GetProperty("timeoutS").GetInt32(), p.GetProperty("code").GetString()));
        Assert.Equal("WebSocket stream", ((AgbCloudSession)session).RunRoute);
        Assert.Empty(_server.Seen("/mcp"));   // nothing went by HTTP
    }

    [Fact]
    public async Task Chunks_reach_the_observer_while_the_run_is_still_going()
    {
        // The server holds the rest of the run back until the observer has seen the first chunk: a client that
        // delivered chunks only at the end would never see "second".
        var firstSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.WsScript = async run =>
        {
            await run.StdoutAsync("first\n");
            bool live = await firstSeen.Task.WaitAsync(Patience).ContinueWith(t => t.IsCompletedSuccessfully);
            await run.StdoutAsync(live ? "second\n" : "the observer never saw the first chunk\n");
            await run.EndAsync();
        };
        (_, ICodeSession session) = await SessionAsync();
        var observer = new RecordingObserver { OnStdoutHook = text => { if (text == "first\n") firstSeen.TrySetResult(); } };

        EnhancedCodeExecutionResult r = await session.RunAsync(new RunRequest("x", "python"), observer).WaitAsync(Patience * 2);

        Assert.Equal("first\nsecond\n", r.Stdout);
        Assert.Equal(["stdout:first\n", "stdout:second\n"], observer.Events);
    }

    [Fact]
    public async Task Sequential_runs_share_one_connection()
    {
        (_, ICodeSession session) = await SessionAsync();

        for (int i = 0; i < 3; i++)
            Assert.True((await session.RunAsync(new RunRequest("x", "r")).WaitAsync(Patience)).Success);

        Assert.Equal(1, _server.WsConnections);
        Assert.Equal(3, _server.RunFrames.Count);
    }

    [Fact]
    public async Task Cancel_closes_the_runs_socket_and_the_server_stops_the_run()
    {
        _server.WsScript = async run =>
        {
            await run.StdoutAsync("started\n");
            await run.RunUntilDisconnectedAsync();
        };
        (_, ICodeSession session) = await SessionAsync();
        using var cancel = new CancellationTokenSource();
        var observer = new RecordingObserver { OnStdoutHook = _ => cancel.Cancel() };

        EnhancedCodeExecutionResult r = await session.RunAsync(new RunRequest("while True: pass", "python"), observer, cancel.Token).WaitAsync(Patience);

        Assert.False(r.Success);
        Assert.Equal("CancelledError", r.Error!.Name);
        Assert.StartsWith("CancelledError: The run was cancelled", r.ErrorMessage);
        Assert.Equal(["started\n"], r.Logs.Stdout);
        Assert.Equal(["stdout:started\n", "error:CancelledError"], observer.Events);
        Assert.Equal("close", await _server.FirstConnectionEnded.Task.WaitAsync(Patience));   // a close frame, not just a dropped socket
        Assert.Equal(r.RequestId.Length == 0 ? _server.RunFrames.Single().GetProperty("invocationId").GetString() : r.RequestId,
            await _server.FirstRunStopped.Task.WaitAsync(Patience));
    }

    [Fact]
    public async Task Cancelling_one_run_leaves_a_concurrent_run_of_the_same_session_alone()
    {
        var otherMayFinish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.WsScript = async run =>
        {
            if (run.Code == "slow")
            {
                await run.StdoutAsync("started\n");
                await run.RunUntilDisconnectedAsync();
            }
            else
            {
                await otherMayFinish.Task.WaitAsync(Patience);
                await run.StdoutAsync("other done\n");
                await run.EndAsync();
            }
        };
        (_, ICodeSession session) = await SessionAsync();
        Task<EnhancedCodeExecutionResult> other = session.RunAsync(new RunRequest("other", "javascript"));
        using var cancel = new CancellationTokenSource();
        EnhancedCodeExecutionResult slow = await session.RunAsync(new RunRequest("slow", "python"), new RecordingObserver { OnStdoutHook = _ => cancel.Cancel() }, cancel.Token)
            .WaitAsync(Patience);
        await _server.FirstRunStopped.Task.WaitAsync(Patience);
        otherMayFinish.SetResult();

        EnhancedCodeExecutionResult done = await other.WaitAsync(Patience);
        Assert.Equal("CancelledError", slow.Error!.Name);
        Assert.True(done.Success, done.ErrorMessage);
        Assert.Equal("other done\n", done.Stdout);
        Assert.Equal(2, _server.WsConnections);
    }

    [Fact]
    public async Task A_run_past_its_timeout_and_grace_is_a_TimeoutError_and_is_stopped_on_the_server()
    {
        _server.WsScript = run => run.RunUntilDisconnectedAsync();
        (_, ICodeSession session) = await SessionAsync(new AgbClientOptions { RunGrace = TimeSpan.FromMilliseconds(200) });

        EnhancedCodeExecutionResult r = await session.RunAsync(new RunRequest("sleep", "python", 0.5)).WaitAsync(Patience);

        Assert.Equal("TimeoutError", r.Error!.Name);
        Assert.Contains("0.5 s timeout", r.ErrorMessage);
        await _server.FirstRunStopped.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task Heartbeats_are_sent_while_a_run_is_going()
    {
        _server.WsScript = async run =>
        {
            while (_server.Pings < 3)
                await Task.Delay(20, run.Disconnected);
            await run.EndAsync();
        };
        // Pongs are answered, so a run that outlives several heartbeats stays connected (unless a pong took 0.6 s).
        (_, ICodeSession session) = await SessionAsync(new AgbClientOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(300) });

        EnhancedCodeExecutionResult r = await session.RunAsync(new RunRequest("x", "python")).WaitAsync(Patience);

        Assert.True(r.Success, r.ErrorMessage);
        Assert.True(_server.Pings >= 3);
    }

    [Fact]
    public async Task A_server_that_stops_answering_pings_loses_the_run_and_the_next_run_reconnects()
    {
        _server.PongsToAnswer = 1;
        _server.WsScript = async run =>
        {
            await run.StdoutAsync("working\n");
            await run.RunUntilDisconnectedAsync();
        };
        (_, ICodeSession session) = await SessionAsync(new AgbClientOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(100) });

        EnhancedCodeExecutionResult lost = await session.RunAsync(new RunRequest("x", "python")).WaitAsync(Patience);

        Assert.False(lost.Success);
        Assert.Contains("heartbeat failed", lost.ErrorMessage);
        Assert.Equal("ExecutionError", lost.Error!.Name);
        Assert.Equal(["working\n"], lost.Logs.Stdout);

        _server.PongsToAnswer = int.MaxValue;
        _server.WsScript = run => run.PlayAsync("ws-stream.json");
        EnhancedCodeExecutionResult next = await session.RunAsync(new RunRequest("x", "python")).WaitAsync(Patience);
        Assert.True(next.Success, next.ErrorMessage);
        Assert.Equal(2, _server.WsConnections);
    }

    [Fact]
    public async Task A_dropped_connection_fails_the_run_in_flight_without_replaying_it()
    {
        int runs = 0;
        var partialSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.WsScript = async run =>
        {
            if (Interlocked.Increment(ref runs) == 1)
            {
                await run.StdoutAsync("partial\n");
                await partialSeen.Task.WaitAsync(Patience);   // an abort may discard frames the server has not flushed yet
                run.Abort();
                return;
            }
            await run.PlayAsync("ws-stream.json");
        };
        (_, ICodeSession session) = await SessionAsync();

        EnhancedCodeExecutionResult dropped = await session.RunAsync(new RunRequest("x", "python"), new RecordingObserver { OnStdoutHook = _ => partialSeen.TrySetResult() })
            .WaitAsync(Patience);
        EnhancedCodeExecutionResult next = await session.RunAsync(new RunRequest("y", "python")).WaitAsync(Patience);

        Assert.False(dropped.Success);
        Assert.Contains("WS connection closed", dropped.ErrorMessage);
        Assert.Equal(["partial\n"], dropped.Logs.Stdout);
        Assert.True(next.Success);
        Assert.Equal(["x", "y"], _server.RunFrames.Select(f => f.GetProperty("data").GetProperty("params").GetProperty("code").GetString()));
    }

    [Fact]
    public async Task A_server_error_event_reaches_the_observer_and_fails_the_run()
    {
        _server.WsScript = run => run.PlayAsync("ws-stream-error-event.json");
        (_, ICodeSession session) = await SessionAsync();
        var observer = new RecordingObserver();

        EnhancedCodeExecutionResult r = await session.RunAsync(new RunRequest("1/0", "python"), observer).WaitAsync(Patience);

        Assert.False(r.Success);
        Assert.Equal("ZeroDivisionError", r.Error!.Name);
        Assert.Contains("error:ZeroDivisionError", observer.Events);
    }

    [Theory]
    [InlineData(401, "AgbAuthenticationFailed")]
    [InlineData(404, "AgbSessionNotFound")]
    [InlineData(500, "AgbConnectionFailed")]
    public async Task A_refused_WebSocket_handshake_is_a_clear_error(int status, string errorId)
    {
        _server.RejectWebSocketWith = status;
        (_, ICodeSession session) = await SessionAsync();

        var e = await Assert.ThrowsAsync<AgbException>(() => session.RunAsync(new RunRequest("x", "python")).WaitAsync(Patience));

        Assert.Equal(errorId, e.ErrorId);
        Assert.DoesNotContain(FakeAgbServer.SessionToken, e.MessageWithFix);
    }
}
