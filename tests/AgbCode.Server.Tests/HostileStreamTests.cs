using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using AgbCode.Server.Tests.Support;

namespace AgbCode.Server.Tests;

/// <summary>
/// Attacks on the WebSocket route by a client with a valid token (docs/security.md, "Server under hostile clients"):
/// queued runs and code bytes bounded across a session's sockets, malformed frames refused without dropping the
/// socket's other runs, and every way a socket ends cancelling its runs.
/// </summary>
public class HostileStreamTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(
        ("WS_MAX_QUEUED_RUNS_PER_SESSION", "3"), ("WS_MAX_QUEUED_CODE_BYTES_PER_SESSION", "65536"));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private const string Spin = "print('spinning', flush=True)\nwhile True: pass";

    private static JsonObject Data(JsonObject frame) => frame["data"]!.AsObject();

    /// <summary>Frames until one of this invocation has this phase (and eventType, for events).</summary>
    private static async Task<JsonObject> FrameOfAsync(StreamClient client, string? invocationId, string phase, string? eventType = null)
    {
        while (true)
        {
            var (frame, _) = await client.NextAsync(120);
            if (frame["invocationId"]?.GetValue<string>() == invocationId && Data(frame)["phase"]?.GetValue<string>() == phase
                && (eventType is null || Data(frame)["eventType"]?.GetValue<string>() == eventType))
                return frame;
        }
    }

    /// <summary>
    /// Returns once the server has read every frame sent before on this socket: it reads a socket's frames in order and
    /// refuses a frame with an unknown method at once, so the refusal's arrival is the cause, not a delay.
    /// </summary>
    private static async Task ReadByServerAsync(StreamClient client)
    {
        string probe = "probe-" + Guid.NewGuid().ToString("N");
        await client.SendAsync(new JsonObject { ["invocationId"] = probe, ["data"] = new JsonObject { ["method"] = "probe" } });
        await FrameOfAsync(client, probe, "error");
    }

    private async Task<(string Id, string WsUrl, string Token)> NewSessionAsync()
    {
        JsonObject session = await _server.CreateSessionAsync();
        return (session["sessionId"]!.GetValue<string>(), session["wsUrl"]!.GetValue<string>(), session["token"]!.GetValue<string>());
    }

    /// <summary>A run through the API route on a session whose kernel a socket's run occupied: it can only answer once that run stopped.</summary>
    private async Task AssertKernelFreeAsync(string sessionId)
    {
        var (after, _) = await _server.RunAsync(sessionId, "'next'", timeoutSec: 60);
        Assert.Equal("'next'", after["result"]![0]!["text/plain"]!.GetValue<string>());
    }

    [Fact]
    public async Task Queued_runs_and_their_code_bytes_are_bounded_per_session_across_its_sockets()
    {
        var (id, wsUrl, token) = await NewSessionAsync();
        StreamClient first = await StreamClient.ConnectAsync(wsUrl, token);
        await using StreamClient second = await StreamClient.ConnectAsync(wsUrl, token);
        string blocker = await first.RunAsync(Spin, timeoutS: 600);
        await FrameOfAsync(first, blocker, "event", "stdout");
        string bigCode = "x = '" + new string('a', 40 * 1024) + "'";
        await first.RunAsync(bigCode);                                    // 2 runs, 40 KiB of code queued
        await ReadByServerAsync(first);

        string tooManyBytes = await second.RunAsync(bigCode);             // 80 KiB would pass the 64 KiB per session
        JsonObject bytesRefused = Data(await FrameOfAsync(second, tooManyBytes, "error"));
        Assert.Equal("TooManyRequests", bytesRefused["code"]!.GetValue<string>());
        Assert.Contains("AGBCODE_WS_MAX_QUEUED_CODE_BYTES_PER_SESSION", bytesRefused["error"]!.GetValue<string>());

        string third = await second.RunAsync("'third'");                  // 3 runs: the most per session
        await ReadByServerAsync(second);
        string fourth = await second.RunAsync("'fourth'");
        JsonObject runsRefused = Data(await FrameOfAsync(second, fourth, "error"));
        Assert.Contains("AGBCODE_WS_MAX_QUEUED_RUNS_PER_SESSION", runsRefused["error"]!.GetValue<string>());

        // the first socket closes: its spinning and queued runs are cancelled, so the other socket's run gets the kernel
        await first.DisposeAsync();
        JsonObject end = Data(await FrameOfAsync(second, third, "end"));
        Assert.Equal("finished", end["status"]!.GetValue<string>());
        Assert.Equal(WebSocketState.Open, second.Socket.State);
        await _server.DeleteSessionAsync(id);
    }

    [Fact]
    public async Task Malformed_frames_are_refused_without_dropping_the_socket_or_its_running_invocation()
    {
        var (id, wsUrl, token) = await NewSessionAsync();
        await using StreamClient client = await StreamClient.ConnectAsync(wsUrl, token);
        string ticking = await client.RunAsync("import time\nfor i in range(100000):\n    print(i, flush=True)\n    time.sleep(0.1)", timeoutS: 600);
        await FrameOfAsync(client, ticking, "event", "stdout");

        string frame = """{"invocationId":"dup-a","invocationId":"dup-b","data":{"method":"run_code","mode":"stream","params":{"language":"python","code":"1"}}}""";
        await client.SendTextAsync(frame);
        Assert.Contains("invocationId", Data(await FrameOfAsync(client, null, "error"))["error"]!.GetValue<string>());
        await client.SendTextAsync("""{"invocationId":"lone","data":{"method":"run_code","params":{"language":"python","code":"'\ud800'"}}}""");
        Assert.Contains("surrogate", Data(await FrameOfAsync(client, null, "error"))["error"]!.GetValue<string>());
        await client.RunAsync("'again'", invocationId: ticking);          // an id already running on this socket
        Assert.Contains("already running", Data(await FrameOfAsync(client, ticking, "error"))["error"]!.GetValue<string>());

        // the running invocation goes on streaming on the same socket
        await FrameOfAsync(client, ticking, "event", "stdout");
        await FrameOfAsync(client, ticking, "event", "stdout");
        Assert.Equal(WebSocketState.Open, client.Socket.State);
        Assert.DoesNotContain(_server.Logs.Entries, e => e.StartsWith("Error", StringComparison.Ordinal));
        await client.DisposeAsync();
        await AssertKernelFreeAsync(id);
        await _server.DeleteSessionAsync(id);
    }

    [Theory]
    [InlineData("invalid UTF-8 frame")]
    [InlineData("connection reset")]
    [InlineData("close frame")]
    public async Task Every_way_a_socket_ends_stops_its_running_code(string ending)
    {
        var (id, wsUrl, token) = await NewSessionAsync();
        StreamClient client = await StreamClient.ConnectAsync(wsUrl, token);
        string spin = await client.RunAsync(Spin, timeoutS: 600);
        await FrameOfAsync(client, spin, "event", "stdout");
        switch (ending)
        {
            case "invalid UTF-8 frame":
                await client.Socket.SendAsync(new byte[] { (byte)'{', 0xFF, 0xFE, (byte)'}' }, WebSocketMessageType.Text, true, CancellationToken.None);
                await client.Ended;
                Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, client.CloseStatus);
                break;
            case "connection reset":
                client.Socket.Abort();
                break;
        }
        await client.DisposeAsync();
        // a run of `while True: pass` with 600 s left is in the kernel; the next run gets it only if the socket's end stopped it
        await AssertKernelFreeAsync(id);
        await _server.DeleteSessionAsync(id);
    }
}

/// <summary>WebSockets are bounded per session and per tenant; a refused upgrade costs an HTTP answer, nothing more.</summary>
public class StreamSocketLimitTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(("WS_MAX_SOCKETS_PER_SESSION", "2"), ("WS_MAX_SOCKETS_PER_TENANT", "3"));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<string> RefusedUpgradeAsync(JsonObject session)
    {
        string id = session["sessionId"]!.GetValue<string>();
        await using RawConnection client = await RawConnection.OpenAsync(_server.BaseUrl);
        await client.SendHeadAsync("GET", $"/ws/{id}", null, "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13",
            $"Sec-WebSocket-Key: {Convert.ToBase64String(Guid.NewGuid().ToByteArray())}", $"X-Access-Token: {session["token"]!.GetValue<string>()}");
        return await client.ReadUntilAsync("\"data\":null}");   // the end of the refusal envelope
    }

    [Fact]
    public async Task Sockets_are_bounded_per_session_and_per_tenant_with_refusals_naming_the_setting()
    {
        JsonObject a1 = await _server.CreateSessionAsync();
        JsonObject a2 = await _server.CreateSessionAsync();
        JsonObject b1 = await _server.CreateSessionAsync(TestServer.KeyB);
        string Url(JsonObject s) => s["wsUrl"]!.GetValue<string>();
        string Token(JsonObject s) => s["token"]!.GetValue<string>();

        var open = new List<StreamClient> { await StreamClient.ConnectAsync(Url(a1), Token(a1)), await StreamClient.ConnectAsync(Url(a1), Token(a1)) };
        for (int i = 0; i < 20; i++)   // the attack: many more sockets to one session
        {
            string refused = await RefusedUpgradeAsync(a1);
            Assert.StartsWith("HTTP/1.1 429", refused);
            Assert.Contains("AGBCODE_WS_MAX_SOCKETS_PER_SESSION", refused);
        }
        open.Add(await StreamClient.ConnectAsync(Url(a2), Token(a2)));
        string tenantFull = await RefusedUpgradeAsync(a2);
        Assert.StartsWith("HTTP/1.1 429", tenantFull);
        Assert.Contains("AGBCODE_WS_MAX_SOCKETS_PER_TENANT", tenantFull);

        // another tenant is not affected, and the sockets that are open still work
        await using StreamClient other = await StreamClient.ConnectAsync(Url(b1), Token(b1));
        var done = await open[0].CollectAsync(await open[0].RunAsync("'open'"));
        Assert.Equal("finished", done[^1].Frame["data"]!["status"]!.GetValue<string>());

        // a socket that closes gives its place back
        await open[0].DisposeAsync();
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                open[0] = await StreamClient.ConnectAsync(Url(a2), Token(a2));
                return true;
            }
            catch (WebSocketException)
            {
                return false;
            }
        }, 30, "a closed socket's place is given back");
        foreach (StreamClient client in open)
            await client.DisposeAsync();
    }
}
