using System.Net.WebSockets;
using System.Text.Json.Nodes;
using AgbCode.Server.Tests.Support;

namespace AgbCode.Server.Tests;

/// <summary>The WebSocket stream route (agb-api.md §4): run frames, event and end frames, multiplexing, ping, refusals, disconnects.</summary>
[Collection(SharedServerCollection.Name)]
public class StreamTests(SharedServer shared)
{
    private TestServer Server => shared.Server;

    private static JsonObject Data(JsonObject frame) => frame["data"]!.AsObject();
    private static string Phase(JsonObject frame) => Data(frame)["phase"]!.GetValue<string>();
    private static string? EventType(JsonObject frame) => Data(frame)["eventType"]?.GetValue<string>();

    [Fact]
    public async Task A_streamed_run_sends_stdout_live_then_the_result_then_one_end_frame()
    {
        await using StreamClient client = await StreamClient.ConnectAsync(shared.WsUrl, shared.Token);
        // The run prints 'hello', then waits for a file the test writes only once the 'hello' frame has arrived: it prints
        // 2 only if 'hello' was sent while it ran (live), not held until its end.
        string go = $"go-{Guid.NewGuid():N}";
        string id = await client.RunAsync($"import os, time\nprint('hello', flush=True)\nfor _ in range(2000):\n    if os.path.exists('{go}'): break\n" +
                                          $"    time.sleep(0.05)\nprint(2 if os.path.exists('{go}') else 'hello was not live', flush=True)\n40 + 2", timeoutS: 120);
        var frames = new List<(JsonObject Frame, TimeSpan At)>();
        while (frames.Count == 0 || Phase(frames[^1].Frame) != "end")
        {
            var next = await client.NextAsync(timeoutSec: 120);
            if (next.Frame["invocationId"]?.GetValue<string>() != id)
                continue;   // the helper run's frames
            frames.Add(next);
            if (EventType(next.Frame) == "stdout" && Data(next.Frame)["chunk"]!.GetValue<string>().Contains("hello"))
                await client.RunAsync($"require('fs').writeFileSync('{go}', '')", "javascript");
        }

        foreach (var (frame, _) in frames)
        {
            Assert.Equal(["invocationId", "source", "target", "data"], frame.Select(p => p.Key).ToArray());
            Assert.Equal("wuying_codespace", frame["source"]!.GetValue<string>());
            Assert.Equal("SDK", frame["target"]!.GetValue<string>());
            Assert.Equal("run_code", Data(frame)["method"]!.GetValue<string>());
            Assert.Equal("stream", Data(frame)["mode"]!.GetValue<string>());
        }
        Assert.Equal(Enumerable.Range(1, frames.Count), frames.Select(f => Data(f.Frame)["seq"]!.GetValue<int>()));

        var stdout = frames.Where(f => EventType(f.Frame) == "stdout").ToList();
        Assert.Equal("hello\n2\n", string.Concat(stdout.Select(f => Data(f.Frame)["chunk"]!.GetValue<string>())));

        JsonObject result = Data(frames.Single(f => EventType(f.Frame) == "result").Frame)["result"]!.AsObject();
        Assert.True(result["isMainResult"]!.GetValue<bool>());
        Assert.Equal("42", result["mime"]!["text/plain"]!.GetValue<string>());

        JsonObject end = Data(frames[^1].Frame);
        Assert.Equal("end", end["phase"]!.GetValue<string>());
        Assert.Equal("finished", end["status"]!.GetValue<string>());
        Assert.True(end["executionCount"]!.GetValue<int>() >= 1);
        Assert.True(end["executionTime"]!.GetValue<double>() > 0);
        Assert.Null(end["executionError"]);
        Assert.Single(frames, f => Phase(f.Frame) == "end");
    }

    [Fact]
    public async Task A_runtime_error_is_an_error_event_then_a_failed_end_with_executionError()
    {
        await using StreamClient client = await StreamClient.ConnectAsync(shared.WsUrl, shared.Token);
        string id = await client.RunAsync("print('before')\n1 / 0");
        var frames = await client.CollectAsync(id);

        JsonObject error = Data(frames.Single(f => EventType(f.Frame) == "error").Frame)["error"]!.AsObject();
        Assert.Equal("ZeroDivisionError", error["code"]!.GetValue<string>());
        Assert.Equal("division by zero", error["message"]!.GetValue<string>());
        Assert.Equal(id, error["traceId"]!.GetValue<string>());
        JsonObject end = Data(frames[^1].Frame);
        Assert.Equal("failed", end["status"]!.GetValue<string>());
        Assert.Equal("ZeroDivisionError: division by zero", end["executionError"]!.GetValue<string>());
        Assert.Equal("before\n", Data(frames.First(f => EventType(f.Frame) == "stdout").Frame)["chunk"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invocations_are_multiplexed_on_one_socket_across_languages()
    {
        await using StreamClient client = await StreamClient.ConnectAsync(shared.WsUrl, shared.Token);
        // Python waits (up to 60 s) for a file that only the JavaScript run writes: it ends well only if both run at once.
        string slow = await client.RunAsync("import os, time\nfor _ in range(1200):\n    if os.path.exists('js-ran'): break\n    time.sleep(0.05)\nprint('python done' if os.path.exists('js-ran') else 'python waited in vain')");
        string fast = await client.RunAsync("require('fs').writeFileSync('js-ran', 'yes'); console.log('js done')", "javascript");
        var frames = new List<JsonObject>();
        while (frames.Count(f => Phase(f) == "end") < 2)
            frames.Add((await client.NextAsync()).Frame);

        string Out(string id) => string.Concat(frames.Where(f => f["invocationId"]!.GetValue<string>() == id && EventType(f) == "stdout")
            .Select(f => Data(f)["chunk"]!.GetValue<string>()));
        Assert.Equal("python done\n", Out(slow));
        Assert.Equal("js done\n", Out(fast));
        // "python done" is the proof that the JavaScript run did not wait behind Python's: which end frame comes first
        // after that is a race between the two kernels, not a property
    }

    [Fact]
    public async Task Runs_sent_back_to_back_on_one_socket_run_in_the_order_sent()
    {
        await using StreamClient client = await StreamClient.ConnectAsync(shared.WsUrl, shared.Token);
        var ids = new List<string> { await client.RunAsync("order_log = []") };
        for (int i = 1; i <= 10; i++)
            ids.Add(await client.RunAsync($"order_log.append({i})"));
        ids.Add(await client.RunAsync("order_log"));
        var frames = await client.CollectAsync(ids[^1]);
        Assert.Equal("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]", Data(frames.Single(f => EventType(f.Frame) == "result").Frame)["result"]!["mime"]!["text/plain"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_ping_frame_gets_a_pong_the_SDKs_ignore()
    {
        await using StreamClient client = await StreamClient.ConnectAsync(shared.WsUrl, shared.Token);
        await client.SendTextAsync("""{"type":"ping"}""");
        JsonObject pong = (await client.NextAsync()).Frame;
        Assert.Equal("pong", pong["type"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{32}$", pong["invocationId"]!.GetValue<string>());   // a fresh id: an unknown push message to the SDKs
        Assert.Equal("pong", Data(pong)["type"]!.GetValue<string>());
        Assert.Null(Data(pong)["phase"]);
    }

    [Fact]
    public async Task Bad_frames_fail_only_their_own_invocation_with_a_reason()
    {
        await using StreamClient client = await StreamClient.ConnectAsync(shared.WsUrl, shared.Token);

        await client.SendTextAsync("{broken");
        JsonObject notJson = (await client.NextAsync()).Frame;
        Assert.Null(notJson["invocationId"]);
        Assert.Equal("error", Phase(notJson));
        Assert.Contains("not valid JSON", Data(notJson)["error"]!.GetValue<string>());

        await client.SendAsync(new JsonObject { ["invocationId"] = "m1", ["data"] = new JsonObject { ["method"] = "shell", ["params"] = new JsonObject() } });
        JsonObject wrongMethod = (await client.CollectAsync("m1"))[^1].Frame;
        Assert.Equal("error", Phase(wrongMethod));
        Assert.Equal("InvalidParameter", Data(wrongMethod)["code"]!.GetValue<string>());
        Assert.Contains("streams 'run_code' only", Data(wrongMethod)["error"]!.GetValue<string>());

        await client.SendAsync(new JsonObject { ["data"] = new JsonObject { ["method"] = "run_code" } });
        Assert.Contains("needs an invocationId", Data((await client.NextAsync()).Frame)["error"]!.GetValue<string>());

        // bad arguments fail the run the way the SDKs read run failures: an error event, then a failed end
        var ruby = await client.CollectAsync(await client.RunAsync("puts 1", "ruby"));
        Assert.Equal("InvalidParameter", Data(ruby[0].Frame)["error"]!["code"]!.GetValue<string>());
        Assert.Equal("failed", Data(ruby[^1].Frame)["status"]!.GetValue<string>());
        Assert.StartsWith("Unsupported language: ruby. Supported languages are java, javascript, python, r",
            Data(ruby[^1].Frame)["executionError"]!.GetValue<string>());

        // the connection still runs code
        var ok = await client.CollectAsync(await client.RunAsync("'still fine'"));
        Assert.Equal("finished", Data(ok[^1].Frame)["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_socket_whose_session_was_released_refuses_runs_and_is_closed()
    {
        JsonObject session = await Server.CreateSessionAsync();
        await using StreamClient client = await StreamClient.ConnectAsync(session["wsUrl"]!.GetValue<string>(), session["token"]!.GetValue<string>());
        await Server.DeleteSessionAsync(session["sessionId"]!.GetValue<string>());

        var refused = await client.CollectAsync(await client.RunAsync("1"));
        Assert.Equal("InvalidMcpSession.NotFound", Data(refused[^1].Frame)["code"]!.GetValue<string>());
        await client.Ended.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
        Assert.Equal("session released", client.CloseDescription);
    }

    [Fact]
    public async Task Disconnecting_mid_run_cancels_the_run_and_keeps_the_session_s_state()
    {
        await Server.RunAsync(shared.SessionId, "kept_after_disconnect = 'yes'");
        double cancelledBefore = Server.Metrics.Runs.WithLabels("python", "stream", "cancelled").Value;
        StreamClient client = await StreamClient.ConnectAsync(shared.WsUrl, shared.Token);
        string id = await client.RunAsync("import time\nprint('started', flush=True)\ntime.sleep(60)\nkept_after_disconnect = 'overwritten'", timeoutS: 120);
        var (first, _) = await client.NextAsync();
        Assert.Equal(id, first["invocationId"]!.GetValue<string>());
        client.Socket.Abort();   // the client vanishes without a close frame
        await client.DisposeAsync();

        // runs on a kernel take turns: a run that kept going would end first, and its last line would overwrite the value
        var (after, _) = await Server.RunAsync(shared.SessionId, "kept_after_disconnect");
        Assert.Equal("'yes'", after["result"]![0]!["text/plain"]!.GetValue<string>());
        await Eventually.TrueAsync(() => Server.Metrics.Runs.WithLabels("python", "stream", "cancelled").Value == cancelledBefore + 1, 10,
            "the streamed run is counted as cancelled");
    }

    [Fact]
    public async Task One_hundred_concurrent_streamed_runs_lose_no_chunk()
    {
        const int sessions = 2, perSession = 50, lines = 40;   // 100 runs over 2 sockets; 4 kernels keep the CPU burst small
        var sessionData = await Task.WhenAll(Enumerable.Range(0, sessions).Select(_ => Server.CreateSessionAsync()));
        var clients = await Task.WhenAll(sessionData.Select(s => StreamClient.ConnectAsync(s["wsUrl"]!.GetValue<string>(), s["token"]!.GetValue<string>())));
        try
        {
            var expected = new Dictionary<string, (StreamClient Client, string Output)>();
            for (int s = 0; s < sessions; s++)
            {
                for (int i = 0; i < perSession; i++)
                {
                    string tag = $"s{s}r{i}";
                    bool python = i % 2 == 0;
                    string code = python
                        ? $"import sys\nfor n in range({lines}):\n    print('{tag} line', n, flush=True)"
                        : $"for (let n = 0; n < {lines}; n++) console.log('{tag} line', n)";
                    string id = await clients[s].RunAsync(code, python ? "python" : "javascript", timeoutS: 120);
                    expected[id] = (clients[s], string.Concat(Enumerable.Range(0, lines).Select(n => $"{tag} line {n}\n")));
                }
            }
            Assert.Equal(sessions * perSession, expected.Count);

            var outputs = expected.Keys.ToDictionary(id => id, _ => new System.Text.StringBuilder());
            var ends = new Dictionary<string, JsonObject>();
            await Task.WhenAll(clients.Select(async client =>
            {
                int mine = expected.Count(e => e.Value.Client == client);
                int ended = 0;
                var lastSeq = new Dictionary<string, int>();
                while (ended < mine)
                {
                    JsonObject frame = (await client.NextAsync(120)).Frame;
                    string id = frame["invocationId"]!.GetValue<string>();
                    int seq = Data(frame)["seq"]!.GetValue<int>();
                    Assert.True(seq > lastSeq.GetValueOrDefault(id), "frames of one invocation arrive in order");
                    lastSeq[id] = seq;
                    lock (outputs)
                    {
                        if (EventType(frame) == "stdout")
                            outputs[id].Append(Data(frame)["chunk"]!.GetValue<string>());
                        if (Phase(frame) == "end")
                        {
                            ends[id] = Data(frame);
                            ended++;
                        }
                    }
                }
            }));

            Assert.Equal(expected.Count, ends.Count);
            foreach (var (id, (_, output)) in expected)
            {
                Assert.Equal("finished", ends[id]["status"]!.GetValue<string>());
                Assert.Equal(output, outputs[id].ToString());
            }
        }
        finally
        {
            foreach (StreamClient client in clients)
                await client.DisposeAsync();
            foreach (JsonObject session in sessionData)
                await Server.DeleteSessionAsync(session["sessionId"]!.GetValue<string>());
        }
    }
}
