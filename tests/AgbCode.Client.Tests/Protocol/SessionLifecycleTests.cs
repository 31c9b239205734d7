using System.Text.Json;
using AgbCode.Client.Tests.Support;
using AgbCode.Core.Errors;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;

namespace AgbCode.Client.Tests.Protocol;

/// <summary>Create, get, list, keep alive, languages and delete against the loopback server.</summary>
public sealed class SessionLifecycleTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly AgbClientOptions FastPolling = new() { DeletePollInterval = TimeSpan.FromMilliseconds(10) };
    private FakeAgbServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeAgbServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Create_sends_the_image_labels_idle_timeout_and_sdk_stats()
    {
        AgbCloudSpace space = _server.Space();
        var labels = new Dictionary<string, string> { ["team"] = "data", ["env"] = "ci" };

        var session = (AgbCloudSession)await space.CreateSessionAsync(new SessionOptions
        {
            Name = "etl", Image = "agb-code-space-2", Labels = labels, IdleTimeout = TimeSpan.FromSeconds(90.5),
        });

        SeenRequest create = Assert.Single(_server.Seen("/mcp/createSession"));
        Assert.Equal("agb-code-space-2", create.Query["imageId"].ToString());
        JsonElement stats = JsonDocument.Parse(create.Query["sdkStats"].ToString()).RootElement;
        Assert.Equal("sdk", stats.GetProperty("source").GetString());
        JsonElement body = create.Json;
        Dictionary<string, string> sent = JsonSerializer.Deserialize<Dictionary<string, string>>(body.GetProperty("labels").GetString()!)!;
        Assert.Equal(["agbcode.created", "agbcode.image", "agbcode.name", "env", "team"], sent.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("data", "ci", "etl", "agb-code-space-2"), (sent["team"], sent["env"], sent[ReservedLabels.Name], sent[ReservedLabels.Image]));
        Assert.Equal(session.CreatedAt, DateTimeOffset.Parse(sent[ReservedLabels.Created], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(91, body.GetProperty("timeout").GetInt32());

        Assert.Equal((FakeAgbServer.SessionId, "etl", "agb-code-space-2"), (session.Id, session.Name, session.Image));
        Assert.Equal(labels, session.Labels);
        Assert.Equal(TimeSpan.FromSeconds(90.5), session.IdleTimeout);
        Assert.Equal(space.Location, session.Location);
        Assert.Equal(_server.Endpoint.ToString().TrimEnd('/'), session.Location);
        Assert.Contains(session.Tools, t => t.Name == "run_code" && t.Server == "codespace");
        Assert.False(session.IsClosed);
    }

    [Fact]
    public async Task Create_without_an_idle_timeout_leaves_it_to_the_endpoints_default()
    {
        ICodeSession session = await _server.Space().CreateSessionAsync(new SessionOptions());

        Assert.False(Assert.Single(_server.Seen("/mcp/createSession")).Json.TryGetProperty("timeout", out _));
        Assert.Equal(AgbCloudSession.DefaultIdleRelease, session.IdleTimeout);
    }

    [Fact]
    public async Task A_refused_creation_names_the_endpoints_reason()
    {
        _server.Override = r => r.Path == "/mcp/createSession" ? (200, Recorded.Text("create-session-refused.json")) : null;

        var e = await Assert.ThrowsAsync<AgbException>(() => _server.Space().CreateSessionAsync(new SessionOptions()));

        Assert.Equal("AgbRequestFailed", e.ErrorId);
        Assert.Contains("quota exceeded: 10 sessions", e.Message);
    }

    [Fact]
    public async Task Languages_asked_for_at_creation_are_started_with_a_no_op_run()
    {
        ICodeSession session = await _server.Space().CreateSessionAsync(new SessionOptions { StartLanguages = ["py", "R"] });

        Assert.Equal(["pass", "invisible(NULL)"], _server.RunFrames.Select(f => f.GetProperty("data").GetProperty("params").GetProperty("code").GetString()));
        Assert.Equal([("python", KernelState.Idle), ("r", KernelState.Idle)], session.Kernels.Select(k => (k.Language, k.State)));
    }

    [Fact]
    public async Task A_kernel_that_cannot_start_fails_the_creation_and_the_session_is_released()
    {
        _server.WsScript = run => run.PlayAsync("ws-stream-error-event.json");

        var e = await Assert.ThrowsAsync<AgbException>(() => _server.Space(FastPolling).CreateSessionAsync(new SessionOptions { StartLanguages = ["java"] }));

        Assert.Equal("AgbKernelStartFailed", e.ErrorId);
        Assert.Single(_server.Seen("/mcp/releaseSessionAsync"));
    }

    [Fact]
    public async Task Get_returns_the_same_session_object_and_null_for_an_unknown_id()
    {
        AgbCloudSpace space = _server.Space();
        ICodeSession created = await space.CreateSessionAsync(new SessionOptions { Name = "kept" });

        Assert.Same(created, await space.GetSessionAsync(FakeAgbServer.SessionId));
        Assert.Null(await space.GetSessionAsync("session-nobody"));
        Assert.Null(await space.GetSessionAsync(""));
    }

    [Fact]
    public async Task A_session_found_by_id_gets_its_routes_from_GetSession_and_can_run()
    {
        await _server.Space().CreateSessionAsync(new SessionOptions());
        AgbCloudSpace other = _server.Space();

        var found = (AgbCloudSession)(await other.GetSessionAsync(FakeAgbServer.SessionId))!;
        EnhancedCodeExecutionResult r = await found.RunAsync(new RunRequest("x", "python")).WaitAsync(Patience);

        Assert.True(r.Success, r.ErrorMessage);
        Assert.Equal("WebSocket stream", found.RunRoute);
        Assert.Equal("codespace-2", _server.RunFrames.Single().GetProperty("target").GetString());   // the GetSession toolList's server
        Assert.Null(found.Name);
    }

    [Fact]
    public async Task List_follows_pages_and_leaves_out_finished_sessions()
    {
        AgbCloudSpace space = _server.Space();

        IReadOnlyList<ICodeSession> sessions = await space.ListSessionsAsync(new Dictionary<string, string> { ["team"] = "data" });

        Assert.Equal(["session-1", "session-2", "session-3"], sessions.Select(s => s.Id));
        SeenRequest[] pages = [.. _server.Seen("/sdk/ListSession")];
        Assert.Equal(2, pages.Length);
        Assert.Equal("page-2", pages[1].Query["nextToken"].ToString());
        Assert.Equal("GET", pages[0].Method);
        Assert.Equal("""{"team":"data"}""", pages[0].Query["labels"].ToString());
    }

    [Fact]
    public async Task A_listed_session_that_is_gone_is_AgbSessionNotFound_at_its_first_run()
    {
        ICodeSession listed = (await _server.Space().ListSessionsAsync()).First();

        var e = await Assert.ThrowsAsync<AgbException>(() => listed.RunAsync(new RunRequest("x", "python")));

        Assert.Equal(("AgbSessionNotFound", AgbErrorKind.NotFound), (e.ErrorId, e.Kind));
        Assert.Contains("session-1", e.Message);
        Assert.True(listed.IsClosed);
    }

    [Fact]
    public async Task A_run_cancelled_while_its_session_details_are_fetched_is_a_result_not_an_exception()
    {
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.BeforeAnswer = async (request, aborted) =>
        {
            if (request.Path != "/mcp/getSession")
                return;
            asked.TrySetResult();
            await Task.Delay(Patience, aborted).ContinueWith(_ => { }, TaskScheduler.Default);
        };
        ICodeSession listed = (await _server.Space().ListSessionsAsync()).First();
        using var cancel = new CancellationTokenSource();
        _ = asked.Task.ContinueWith(_ => cancel.Cancel(), TaskScheduler.Default);

        EnhancedCodeExecutionResult r = await listed.RunAsync(new RunRequest("x", "python"), null, cancel.Token).WaitAsync(Patience);

        Assert.Equal(("CancelledError", "python", "session-1"), (r.Error!.Name, r.Language, r.SessionId));
        Assert.Contains("nothing ran", r.ErrorMessage);
        Assert.False(listed.IsClosed);
    }

    [Fact]
    public async Task Delete_releases_then_polls_until_the_endpoint_reports_the_session_finished()
    {
        AgbCloudSpace space = _server.Space(FastPolling);
        ICodeSession session = await space.CreateSessionAsync(new SessionOptions());
        _server.StatusesAfterRelease.Enqueue("DELETING");
        _server.StatusesAfterRelease.Enqueue("DELETING");

        Assert.True(await space.DeleteSessionAsync(session.Id).WaitAsync(Patience));

        string[] calls = [.. _server.Requests.Select(r => r.Path).Where(p => p is "/mcp/releaseSessionAsync" or "/mcp/getSessionInfo")];
        Assert.Equal(["/mcp/releaseSessionAsync", "/mcp/getSessionInfo", "/mcp/getSessionInfo", "/mcp/getSessionInfo"], calls);
        Assert.True(session.IsClosed);
        Assert.Null(await space.GetSessionAsync(session.Id));
        Assert.False(await space.DeleteSessionAsync(session.Id));
        Assert.Equal("AgbSessionClosed", (await Assert.ThrowsAsync<AgbException>(() => session.RunAsync(new RunRequest("x", "python")))).ErrorId);
    }

    [Fact]
    public async Task Delete_that_never_finishes_gives_up_with_the_reason()
    {
        AgbCloudSpace space = _server.Space(FastPolling with { DeleteTimeout = TimeSpan.FromMilliseconds(100) });
        await space.CreateSessionAsync(new SessionOptions());
        _server.Override = r => r.Path == "/mcp/getSessionInfo" ? (200, FakeAgbServer.Envelope(new { status = "DELETING" })) : null;

        var e = await Assert.ThrowsAsync<AgbException>(() => space.DeleteSessionAsync(FakeAgbServer.SessionId).WaitAsync(Patience));

        Assert.Equal("AgbDeleteTimeout", e.ErrorId);
        Assert.Contains("DELETING", e.Message);
    }

    [Fact]
    public async Task Keep_alive_refreshes_the_idle_time_and_reports_a_session_that_is_gone()
    {
        AgbCloudSpace space = _server.Space(FastPolling);
        ICodeSession session = await space.CreateSessionAsync(new SessionOptions());

        await session.KeepAliveAsync();
        Assert.Equal(FakeAgbServer.SessionId, Assert.Single(_server.Seen("/mcp/refreshSessionIdleTime")).Query["sessionId"].ToString());

        ICodeSession stale = (await _server.Space().GetSessionAsync(session.Id))!;
        await space.DeleteSessionAsync(session.Id);
        var e = await Assert.ThrowsAsync<AgbException>(() => stale.KeepAliveAsync());
        Assert.Equal("AgbSessionNotFound", e.ErrorId);
        Assert.True(stale.IsClosed);
    }

    [Fact]
    public async Task Languages_are_available_when_the_image_offers_run_code()
    {
        IReadOnlyList<LanguageSupport> languages = await _server.Space().GetLanguagesAsync();

        Assert.Equal(["java", "javascript", "python", "r"], languages.Select(l => l.Language).Order());
        Assert.All(languages, l => Assert.True(l.Available));
        Assert.Equal("agb-code-space-1", Assert.Single(_server.Seen("/mcp/listTools")).Query["imageId"].ToString());
    }

    [Fact]
    public async Task Languages_are_unavailable_with_a_reason_when_the_image_has_no_run_code()
    {
        _server.Override = r => r.Path == "/mcp/listTools" ? (200, FakeAgbServer.Envelope("""[{"name":"shell","server":"system"}]""")) : null;

        IReadOnlyList<LanguageSupport> languages = await _server.Space().GetLanguagesAsync();

        Assert.All(languages, l => Assert.Contains("no run_code tool", l.Reason));
        Assert.DoesNotContain(languages, l => l.Available);
    }
}
