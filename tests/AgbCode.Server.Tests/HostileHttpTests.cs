using System.Text;
using System.Text.Json.Nodes;
using AgbCode.Server.Tests.Support;

namespace AgbCode.Server.Tests;

/// <summary>
/// Attacks on the HTTP routes by clients without credentials or with malformed bodies (docs/security.md, "Server under
/// hostile clients"): nothing is buffered before authentication, bodies are capped per route, stalled uploads are cut,
/// and malformed JSON is a 400 without a stack trace anywhere.
/// </summary>
public class HostileHttpTests : IAsyncLifetime
{
    private const int LinkCap = 64 * 1024;
    private const int TokenPrefix = 1024;
    private TestServer _server = null!;
    private string _sessionId = null!;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(("BODY_IDLE_TIMEOUT_SEC", "1"), ("MAX_LINK_REQUEST_BYTES", $"{LinkCap}"),
            ("LINK_TOKEN_PREFIX_BYTES", $"{TokenPrefix}"));
        JsonObject session = await _server.CreateSessionAsync();
        _sessionId = session["sessionId"]!.GetValue<string>();
        _token = session["token"]!.GetValue<string>();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string LinkPath => $"/link/{_sessionId}/callTool";

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string CallBody(string code) =>
        new JsonObject { ["tool"] = "run_code", ["args"] = new JsonObject { ["code"] = code, ["language"] = "python" } }.ToJsonString();

    [Fact]
    public async Task An_unauthenticated_LinkUrl_body_is_refused_from_its_prefix_without_waiting_for_the_rest()
    {
        await using RawConnection client = await RawConnection.OpenAsync(_server.BaseUrl);
        // announces 60 KiB (under the cap) but sends only 8 KiB of it, without a token: the server must answer from the
        // first 1 KiB; had it waited for (and buffered) the whole body, it would never answer
        await client.SendHeadAsync("POST", LinkPath, 60 * 1024);
        await client.SendAsync(Utf8("{\"args\":{\"code\":\"" + new string('x', 8 * 1024)));
        await client.WaitClosedAsync();
        Assert.StartsWith("HTTP/1.1 401", client.Received);
        Assert.Contains("Connection: close", client.Received);
        Assert.Contains("X-Access-Token", client.Received);
        Assert.Contains("AGBCODE_LINK_TOKEN_PREFIX_BYTES", client.Received);
    }

    [Theory]
    [InlineData(true)]    // authenticated by the header, then stalls in the body
    [InlineData(false)]   // no header, stalls inside the prefix where the token would be
    public async Task A_client_that_sends_part_of_a_body_and_stalls_is_disconnected(bool withHeaderToken)
    {
        await using RawConnection client = await RawConnection.OpenAsync(_server.BaseUrl);
        await client.SendHeadAsync("POST", LinkPath, 32 * 1024, withHeaderToken ? [$"X-Access-Token: {_token}"] : []);
        await client.SendAsync(Utf8("{\"tool\":\"run_code\",\"args\":{\"code\":\"x = 1"));
        await client.WaitClosedAsync();   // AGBCODE_BODY_IDLE_TIMEOUT_SEC is 1 here: the server closes, the client does nothing
        Assert.DoesNotContain("200 OK", client.Received);
        await Eventually.TrueAsync(() => _server.Logs.All.Contains("AGBCODE_BODY_IDLE_TIMEOUT_SEC"), 30, "the cut is logged");
    }

    [Fact]
    public async Task Bodies_are_capped_per_route_before_authentication()
    {
        await using RawConnection link = await RawConnection.OpenAsync(_server.BaseUrl);
        await link.SendHeadAsync("POST", LinkPath, LinkCap + 1);
        await link.SendAsync(Utf8("{\"token\":\"wrong\""));
        await link.WaitClosedAsync();
        Assert.StartsWith("HTTP/1.1 413", link.Received);
        Assert.Contains("AGBCODE_MAX_LINK_REQUEST_BYTES", link.Received);

        // an API route without a key is refused before its body is read, and the connection is not kept for the rest
        await using RawConnection api = await RawConnection.OpenAsync(_server.BaseUrl);
        await api.SendHeadAsync("POST", "/mcp/createSession", 1024 * 1024);
        await api.SendAsync(Utf8("{\"padding\":\""));
        await api.WaitClosedAsync();
        Assert.StartsWith("HTTP/1.1 401", api.Received);
        Assert.Contains("Connection: close", api.Received);
    }

    [Fact]
    public async Task A_token_in_the_body_works_when_it_comes_first_and_is_refused_with_the_fix_when_it_comes_late()
    {
        string early = "{\"token\":\"" + _token + "\"," + CallBody("40 + 2")[1..];
        Answer ok = await _server.PostAsync(LinkPath, early, key: null);
        Assert.Equal(200, ok.Status);
        Assert.Equal("42", TestServer.ToolText(ok.Data!["result"]!)["result"]![0]!["text/plain"]!.GetValue<string>());

        string late = CallBody("# " + new string('p', 2 * TokenPrefix))[..^1] + ",\"token\":\"" + _token + "\"}";
        Answer refused = await _server.PostAsync(LinkPath, late, key: null);
        Assert.Equal(401, refused.Status);
        Assert.Contains("X-Access-Token", refused.Message);
    }

    public static TheoryData<string, string> MalformedBodies => new()
    {
        { "duplicate keys", """{"tool":"run_code","tool":"run_code","args":{"code":"1","language":"python"}}""" },
        { "duplicate keys inside args", """{"tool":"run_code","args":{"code":"1","code":"2","language":"python"}}""" },
        { "lone surrogate", """{"tool":"run_code","args":{"code":"'\ud800'","language":"python"}}""" },
        { "lone low surrogate in a key", """{"tool":"run_code","args":{"code":"1","language":"python","\udc00":1}}""" },
        { "invalid UTF-8", "{\"tool\":\"run_code\",\"args\":{\"code\":\"'\u00ff\u00fe'\",\"language\":\"python\"}}" },
        { "args string with duplicate keys", """{"tool":"run_code","args":"{\"code\":\"1\",\"code\":\"2\",\"language\":\"python\"}"}""" },
        { "huge number as timeout", """{"tool":"run_code","args":{"code":"1","language":"python","timeout_s":1e400}}""" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Malformed_JSON_is_a_400_without_a_stack_trace_on_every_route(string what, string body)
    {
        // "invalid UTF-8" is written with Latin-1 so its \u00ff\u00fe become the bytes FF FE, which no UTF-8 text has
        byte[] bytes = what == "invalid UTF-8" ? Encoding.Latin1.GetBytes(body) : Utf8(body);
        string apiBody = Encoding.Latin1.GetString(bytes).Replace("\"tool\":", $"\"sessionId\":\"{_sessionId}\",\"name\":\"run_code\",\"x\":", StringComparison.Ordinal);
        var answers = new List<(string Route, int Status, string Text)>();
        foreach (var (path, headers, payload) in new[]
                 {
                     (LinkPath, new[] { $"X-Access-Token: {_token}" }, bytes),
                     (LinkPath, Array.Empty<string>(), Utf8($"{{\"token\":\"{_token}\",") .Concat(bytes[1..]).ToArray()),
                     ("/mcp", new[] { $"Authorization: Bearer {TestServer.KeyA}" }, Encoding.Latin1.GetBytes(apiBody)),
                 })
        {
            await using RawConnection client = await RawConnection.OpenAsync(_server.BaseUrl);
            await client.SendHeadAsync("POST", path, payload.Length, [.. headers, "Connection: close"]);
            await client.SendAsync(payload);
            await client.WaitClosedAsync();
            answers.Add((path, int.Parse(client.Received[9..12]), client.Received));
        }
        foreach (var (route, status, text) in answers)
        {
            Assert.True(status == 400, $"{what} on {route}: {text}");
            Assert.Contains("\"success\":false", text);
            Assert.DoesNotContain("   at ", text);
            Assert.DoesNotContain(".cs:line", text);
        }
        Assert.DoesNotContain(_server.Logs.Entries, e => e.StartsWith("Error", StringComparison.Ordinal) || e.StartsWith("Critical", StringComparison.Ordinal));
        var (after, _) = await _server.RunAsync(_sessionId, "'still fine'");
        Assert.Equal("'still fine'", after["result"]![0]!["text/plain"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_large_result_with_multibyte_text_comes_back_exactly_through_the_sliced_writer()
    {
        // ~300 KiB of two- and three-byte characters: the answer is escaped in 64 KiB slices that must not split one
        var (payload, _) = await _server.RunAsync(_sessionId, "print('é€' * 50000, end='')\n'done'");
        Assert.Equal(string.Concat(Enumerable.Repeat("é€", 50000)), string.Concat(payload["stdout"]!.AsArray().Select(s => s!.GetValue<string>())));
        Assert.Equal("'done'", payload["result"]![0]!["text/plain"]!.GetValue<string>());
    }
}
