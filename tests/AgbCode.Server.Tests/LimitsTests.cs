using System.Net.WebSockets;
using System.Text.Json.Nodes;
using AgbCode.Server.Tests.Support;

namespace AgbCode.Server.Tests;

/// <summary>Session limits per tenant and per server, code, body and frame sizes, a slow WebSocket reader, and the public URL.</summary>
public class LimitsTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(
        ("MAX_SESSIONS_PER_TENANT", "2"), ("MAX_SESSIONS", "3"), ("MAX_CODE_BYTES", "2048"), ("MAX_REQUEST_BYTES", "16384"),
        ("MAX_FRAME_BYTES", "16384"), ("WS_SEND_BUFFER_BYTES", "65536"), ("PUBLIC_URL", "https://agb.example.test/base/"));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Sessions_are_limited_per_tenant_and_per_server_with_clear_answers()
    {
        JsonObject a1 = await _server.CreateSessionAsync();
        JsonObject a2 = await _server.CreateSessionAsync();
        Answer tenantFull = await _server.PostAsync("/mcp/createSession?imageId=agb-code-space-1");
        Assert.Equal(429, tenantFull.Status);
        Assert.Equal("QuotaExceeded.Session", tenantFull.Code);
        Assert.Contains("AGBCODE_MAX_SESSIONS_PER_TENANT", tenantFull.Message);

        JsonObject b1 = await _server.CreateSessionAsync(TestServer.KeyB);
        Answer serverFull = await _server.PostAsync("/mcp/createSession?imageId=agb-code-space-1", key: TestServer.KeyB);
        Assert.Equal(503, serverFull.Status);
        Assert.Equal("ServiceUnavailable", serverFull.Code);
        Assert.Contains("AGBCODE_MAX_SESSIONS", serverFull.Message);

        await _server.DeleteSessionAsync(a1["sessionId"]!.GetValue<string>());
        JsonObject again = await _server.CreateSessionAsync();
        Assert.NotEqual(a1["sessionId"]!.GetValue<string>(), again["sessionId"]!.GetValue<string>());
        Assert.Equal(3, _server.Metrics.ActiveSessions.Value);

        await _server.DeleteSessionAsync(a2["sessionId"]!.GetValue<string>());
        await _server.DeleteSessionAsync(again["sessionId"]!.GetValue<string>());
        await _server.DeleteSessionAsync(b1["sessionId"]!.GetValue<string>(), TestServer.KeyB);
    }

    [Fact]
    public async Task Session_urls_are_built_from_the_configured_public_url()
    {
        JsonObject session = await _server.CreateSessionAsync(TestServer.KeyB);
        string id = session["sessionId"]!.GetValue<string>();
        Assert.Equal($"https://agb.example.test/base/link/{id}", session["linkUrl"]!.GetValue<string>());
        Assert.Equal($"wss://agb.example.test/base/ws/{id}", session["wsUrl"]!.GetValue<string>());
        await _server.DeleteSessionAsync(id, TestServer.KeyB);
    }

    [Fact]
    public async Task Code_request_and_frame_sizes_are_capped_with_4xx_answers()
    {
        JsonObject session = await _server.CreateSessionAsync(TestServer.KeyB);
        string id = session["sessionId"]!.GetValue<string>();
        string bigCode = "x = '" + new string('a', 3000) + "'";

        Answer tooMuchCode = await _server.PostAsync("/mcp", new JsonObject
        {
            ["sessionId"] = id, ["name"] = "run_code",
            ["args"] = new JsonObject { ["code"] = bigCode, ["language"] = "python" }.ToJsonString(),
        }, TestServer.KeyB);
        Assert.Equal(413, tooMuchCode.Status);
        Assert.Equal("PayloadTooLarge", tooMuchCode.Code);
        Assert.Contains("AGBCODE_MAX_CODE_BYTES", tooMuchCode.Message);

        Answer tooBigBody = await _server.PostAsync("/mcp", new JsonObject
        {
            ["sessionId"] = id, ["name"] = "run_code", ["args"] = "{}", ["padding"] = new string('p', 20000),
        }, TestServer.KeyB);
        Assert.Equal(413, tooBigBody.Status);
        Assert.Equal("PayloadTooLarge", tooBigBody.Code);
        Assert.Contains("AGBCODE_MAX_REQUEST_BYTES", tooBigBody.Message);

        // the stream route: the oversized frame fails its own invocation (its id is read from the frame's start)
        await using StreamClient client = await StreamClient.ConnectAsync(ToLoopback(session["wsUrl"]!), session["token"]!.GetValue<string>());
        string bigId = await client.RunAsync(new string('#', 20000));
        JsonObject refused = (await client.CollectAsync(bigId))[^1].Frame;
        Assert.Equal("error", refused["data"]!["phase"]!.GetValue<string>());
        Assert.Equal("PayloadTooLarge", refused["data"]!["code"]!.GetValue<string>());
        Assert.Contains("AGBCODE_MAX_FRAME_BYTES", refused["data"]!["error"]!.GetValue<string>());
        string tooMuchId = await client.RunAsync(bigCode);   // fits in a frame, but not in the code limit
        Assert.Contains("AGBCODE_MAX_CODE_BYTES", (await client.CollectAsync(tooMuchId))[^1].Frame["data"]!["executionError"]!.GetValue<string>());
        var fine = await client.CollectAsync(await client.RunAsync("print('small is fine')"));
        Assert.Equal("finished", fine[^1].Frame["data"]!["status"]!.GetValue<string>());
        await _server.DeleteSessionAsync(id, TestServer.KeyB);
    }

    [Fact]
    public async Task A_client_that_stops_reading_is_dropped_instead_of_growing_server_memory()
    {
        JsonObject session = await _server.CreateSessionAsync(TestServer.KeyB);
        string id = session["sessionId"]!.GetValue<string>();
        StreamClient reader = await StreamClient.ConnectAsync(ToLoopback(session["wsUrl"]!), session["token"]!.GetValue<string>(), read: false);
        // about 8 MiB of output per run, far past the 64 KiB send buffer and what the sockets can hold
        const string flood = "import sys\nline = 'x' * 1000 + '\\n'\nfor _ in range(8000):\n    sys.stdout.write(line)\n    sys.stdout.flush()";
        for (int i = 0; i < 4; i++)
            await reader.RunAsync(flood, timeoutS: 120);

        await Eventually.TrueAsync(() => _server.Metrics.SlowReaders.Value == 1, 60, "the slow reader is dropped");
        // its runs were cancelled: the session answers at once again
        var (after, _) = await _server.RunAsync(id, "'responsive'", key: TestServer.KeyB);
        Assert.Equal("'responsive'", after["result"]![0]!["text/plain"]!.GetValue<string>());
        reader.Socket.Abort();
        await reader.DisposeAsync();
        await _server.DeleteSessionAsync(id, TestServer.KeyB);
    }

    /// <summary>The configured public URL is not this test's address; connect to the real listener at the same path.</summary>
    private string ToLoopback(JsonNode wsUrl)
    {
        string path = new Uri(wsUrl.GetValue<string>()).AbsolutePath.Replace("/base", "");
        return $"ws://{new Uri(_server.BaseUrl).Authority}{path}";
    }
}
