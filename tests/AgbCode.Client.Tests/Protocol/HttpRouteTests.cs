using System.Text.Json;
using AgbCode.Client.Tests.Support;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;

namespace AgbCode.Client.Tests.Protocol;

/// <summary>The two HTTP run routes against the loopback server: which one is chosen, what goes on the wire, cancel and deadline.</summary>
public sealed class HttpRouteTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private FakeAgbServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeAgbServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<AgbCloudSession> SessionAsync(AgbClientOptions? options = null) =>
        (AgbCloudSession)await _server.Space(options).CreateSessionAsync(new SessionOptions());

    [Fact]
    public async Task Without_session_urls_runs_take_the_API_route_with_the_bearer_key()
    {
        _server.OfferWebSocket = false;
        _server.OfferLinkUrl = false;
        AgbCloudSession session = await SessionAsync();
        var observer = new RecordingObserver();

        EnhancedCodeExecutionResult r = await session.RunAsync(new RunRequest("print(1)", "nodejs", 12), observer).WaitAsync(Patience);

        Assert.True(r.Success, r.ErrorMessage);
        Assert.Equal("ran: print(1)", r.Stdout);
        Assert.Equal(("javascript", FakeAgbServer.SessionId), (r.Language, r.SessionId));
        Assert.StartsWith("req-", r.RequestId);
        Assert.Equal(["stdout:ran: print(1)"], observer.Events);
        Assert.StartsWith("API", session.RunRoute);
        SeenRequest call = Assert.Single(_server.Seen("/mcp"));
        Assert.Equal(("Bearer " + FakeAgbServer.ApiKey, "false"), (call.Authorization, call.Query["autoGenSession"].ToString()));
        JsonElement args = JsonDocument.Parse(call.Json.GetProperty("args").GetString()!).RootElement;
        Assert.Equal(("javascript", 12), (args.GetProperty("language").GetString(), args.GetProperty("timeout_s").GetInt32()));
        Assert.Equal(0, _server.WsConnections);
    }

    [Fact]
    public async Task With_a_link_url_and_no_websocket_runs_take_the_LinkUrl_route_with_the_session_token()
    {
        _server.OfferWebSocket = false;
        AgbCloudSession session = await SessionAsync();

        EnhancedCodeExecutionResult r = await session.RunAsync(new RunRequest("1+1", "r")).WaitAsync(Patience);

        Assert.True(r.Success, r.ErrorMessage);
        Assert.StartsWith("link-", r.RequestId);
        SeenRequest call = Assert.Single(_server.Seen($"/link/{FakeAgbServer.SessionId}/callTool"));
        Assert.Equal(FakeAgbServer.SessionToken, call.AccessToken);
        Assert.Null(call.Authorization);
        Assert.Equal(JsonValueKind.Object, call.Json.GetProperty("args").ValueKind);
        Assert.Equal("codespace", call.Json.GetProperty("server").GetString());
        Assert.Empty(_server.Seen("/mcp"));
    }

    [Fact]
    public async Task UseWebSocket_false_keeps_runs_on_HTTP_even_when_the_session_can_stream()
    {
        AgbCloudSession session = await SessionAsync(new AgbClientOptions { UseWebSocket = false });

        Assert.True((await session.RunAsync(new RunRequest("x", "java")).WaitAsync(Patience)).Success);

        Assert.False(session.CanStream);
        Assert.Single(_server.Seen($"/link/{FakeAgbServer.SessionId}/callTool"));
        Assert.Equal(0, _server.WsConnections);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Cancel_abandons_the_request_and_the_server_sees_the_client_leave(bool linkUrl)
    {
        _server.OfferWebSocket = false;
        _server.OfferLinkUrl = linkUrl;
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var abandoned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.BeforeAnswer = async (request, aborted) =>
        {
            if (!request.Path.EndsWith("/callTool", StringComparison.Ordinal) && request.Path != "/mcp")
                return;
            received.TrySetResult();
            try { await Task.Delay(Patience, aborted); }
            catch (OperationCanceledException) { abandoned.TrySetResult(); }
        };
        AgbCloudSession session = await SessionAsync();
        using var cancel = new CancellationTokenSource();
        _ = received.Task.ContinueWith(_ => cancel.Cancel(), TaskScheduler.Default);
        var observer = new RecordingObserver();

        EnhancedCodeExecutionResult r = await session.RunAsync(new RunRequest("x", "python"), observer, cancel.Token).WaitAsync(Patience);

        Assert.Equal("CancelledError", r.Error!.Name);
        Assert.False(r.Success);
        Assert.Equal(["error:CancelledError"], observer.Events);
        await abandoned.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_run_the_endpoint_never_answers_ends_with_a_TimeoutError()
    {
        _server.OfferWebSocket = false;
        _server.BeforeAnswer = async (request, aborted) =>
        {
            if (request.Path.EndsWith("/callTool", StringComparison.Ordinal))
                await Task.Delay(Patience, aborted).ContinueWith(_ => { }, TaskScheduler.Default);
        };
        AgbCloudSession session = await SessionAsync(new AgbClientOptions { RunGrace = TimeSpan.FromMilliseconds(100) });

        EnhancedCodeExecutionResult r = await session.RunAsync(new RunRequest("x", "python", 0.3)).WaitAsync(Patience);

        Assert.Equal("TimeoutError", r.Error!.Name);
        Assert.StartsWith("TimeoutError: The endpoint did not finish the run within its 0.3 s timeout", r.ErrorMessage);
    }

    [Fact]
    public async Task Session_urls_that_would_carry_the_token_in_clear_are_skipped_for_the_API_route()
    {
        await _server.Space().CreateSessionAsync(new SessionOptions());   // makes the session known to the server
        _server.Override = request => request.Path == "/mcp/createSession"
            ? (200, FakeAgbServer.Envelope(new
            {
                sessionId = FakeAgbServer.SessionId,
                linkUrl = "http://agb.example.test/link",
                wsUrl = "ws://agb.example.test/ws",
                token = FakeAgbServer.SessionToken,
                toolList = """[{"name":"run_code","server":"codespace"}]""",
            }))
            : null;
        AgbCloudSession session = await SessionAsync();
        var observer = new RecordingObserver();

        EnhancedCodeExecutionResult r = await session.RunAsync(new RunRequest("x", "python"), observer).WaitAsync(Patience);

        Assert.True(r.Success, r.ErrorMessage);
        Assert.Single(_server.Seen("/mcp"));
        Assert.Contains(observer.Diagnostics, d => d.Contains("unencrypted") && d.Contains("ws://agb.example.test/ws"));
        Assert.DoesNotContain(observer.Diagnostics, d => d.Contains(FakeAgbServer.SessionToken));
    }
}
