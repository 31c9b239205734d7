using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using AgbCode.Core.Sessions;
using AgbCode.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AgbCode.Server.Tests;

/// <summary>Idle release, keep-alive, metrics, and graceful shutdown (each on a server of its own).</summary>
public class LifecycleTests
{
    [Fact]
    public async Task Idle_sessions_are_released_after_their_timeout_unless_kept_alive()
    {
        await using TestServer server = await TestServer.StartAsync(("SHUTDOWN_GRACE_SEC", "1"));
        string idle = (await server.CreateSessionAsync(body: new JsonObject { ["timeout"] = 1 }))["sessionId"]!.GetValue<string>();
        string kept = (await server.CreateSessionAsync(body: new JsonObject { ["timeout"] = 4 }))["sessionId"]!.GetValue<string>();
        async Task<string?> Status(string id) => (await server.PostAsync("/mcp/getSessionInfo", new JsonObject { ["sessionId"] = id })).Code;

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(6))
        {
            Assert.True((await server.PostAsync($"/mcp/refreshSessionIdleTime?sessionId={kept}", "{}")).Success, "the kept session is alive");
            await Task.Delay(250);
        }
        // polling GetSessionDetail does not keep a session alive (as on the AGB cloud)
        await Eventually.TrueAsync(async () => await Status(idle) == "InvalidMcpSession.NotFound", 10, "the idle session is released");
        Assert.Equal("ok", await Status(kept));
        await Eventually.TrueAsync(async () => await Status(kept) == "InvalidMcpSession.NotFound", 15, "the kept session is released once left alone");
        await Eventually.TrueAsync(() => server.Metrics.SessionsReleased.WithLabels("idle").Value == 2, 5, "both releases are counted");
        Assert.Equal(0, server.Metrics.ActiveSessions.Value);
    }

    [Fact]
    public async Task Metrics_count_sessions_runs_durations_and_errors_in_Prometheus_format()
    {
        await using TestServer server = await TestServer.StartAsync(("SHUTDOWN_GRACE_SEC", "1"));
        string id = (await server.CreateSessionAsync())["sessionId"]!.GetValue<string>();
        await server.RunAsync(id, "1 + 1");
        await server.RunAsync(id, "1 / 0");
        await server.PostAsync("/mcp/getSessionInfo", new JsonObject { ["sessionId"] = "session-nope" });

        string text = await server.Http.GetStringAsync("/metrics");
        Assert.Contains("agbcode_sessions 1", text);
        Assert.Contains("agbcode_sessions_created_total 1", text);
        Assert.Contains("agbcode_runs_total{language=\"python\",route=\"api\",outcome=\"success\"} 1", text);
        Assert.Contains("agbcode_runs_total{language=\"python\",route=\"api\",outcome=\"error\"} 1", text);
        Assert.Contains("agbcode_run_duration_seconds_count{language=\"python\",route=\"api\"} 2", text);
        Assert.Contains("agbcode_api_errors_total{code=\"InvalidMcpSession.NotFound\"} 1", text);
        Assert.Contains("agbcode_sandbox_kills_total", text);
        Assert.Contains("http_requests_received_total", text);
        Assert.DoesNotContain(id, text);
    }

    [Fact]
    public async Task A_killed_sandbox_is_counted()
    {
        await using TestServer server = await TestServer.StartAsync(("SHUTDOWN_GRACE_SEC", "1"));
        string id = (await server.CreateSessionAsync())["sessionId"]!.GetValue<string>();
        var (payload, _) = await server.RunAsync(id, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)");
        Assert.Contains("KernelDiedError", payload["executionError"]!.GetValue<string>());
        Assert.Equal(1, server.Metrics.SandboxKills.WithLabels("python", "KernelDiedError").Value);
    }

    [Fact]
    public async Task Shutdown_stops_taking_work_finishes_or_cancels_runs_and_removes_every_sandbox()
    {
        TestServer server = await TestServer.StartAsync(("SHUTDOWN_GRACE_SEC", "1"));
        JsonObject session = await server.CreateSessionAsync();
        StreamClient client = await StreamClient.ConnectAsync(session["wsUrl"]!.GetValue<string>(), session["token"]!.GetValue<string>());
        string quick = await client.RunAsync("import time\ntime.sleep(0.3)\nprint('finished in the grace period')");
        string slow = await client.RunAsync("import time\ntime.sleep(0.2)\nprint('long run', flush=True)\ntime.sleep(60)", "python", 120);
        var frames = new List<JsonObject>();
        while (!frames.Any(f => f["invocationId"]?.GetValue<string>() == quick && f["data"]!["phase"]!.GetValue<string>() is "end" or "error"))
            frames.Add((await client.NextAsync(30)).Frame);
        Assert.Equal("finished", frames[^1]["data"]!["status"]?.GetValue<string>());
        ICodeSpace space = server.Services.GetRequiredService<ICodeSpace>();
        Assert.Single(await space.ListSessionsAsync());

        var clock = Stopwatch.StartNew();
        Task stopping = server.StopAsync();
        try
        {
            while (true)
                frames.Add((await client.NextAsync(30)).Frame);
        }
        catch (System.Threading.Channels.ChannelClosedException) { }
        await stopping;

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"shutdown took {clock.Elapsed}");
        JsonObject end = frames.Single(f => f["invocationId"]!.GetValue<string>() == slow && f["data"]!["phase"]!.GetValue<string>() == "end")["data"]!.AsObject();
        Assert.Equal("failed", end["status"]!.GetValue<string>());
        Assert.StartsWith("CancelledError", end["executionError"]!.GetValue<string>());
        Assert.Contains(frames, f => f["invocationId"]!.GetValue<string>() == quick && f["data"]!["status"]?.GetValue<string>() == "finished");
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, client.CloseStatus);
        Assert.Empty(await space.ListSessionsAsync());
        Assert.Equal(0, server.Metrics.ActiveSessions.Value);
        Assert.Equal(1, server.Metrics.SessionsReleased.WithLabels("shutdown").Value);
        await client.DisposeAsync();
        await server.DisposeAsync();
    }
}
