using System.Text.Json.Nodes;
using AgbCode.Server.Tests.Support;

namespace AgbCode.Server.Tests;

/// <summary>The auth matrix: no key, wrong key, another tenant's session, and session tokens that are wrong or outlived their session.</summary>
[Collection(SharedServerCollection.Name)]
public class AuthTests(SharedServer shared)
{
    private TestServer Server => shared.Server;

    public static TheoryData<string, string> ApiRoutes => new()
    {
        { "POST", "/mcp/createSession?imageId=agb-code-space-1" },
        { "POST", "/mcp/getSession" },
        { "POST", "/mcp/getSessionInfo" },
        { "POST", "/mcp/releaseSessionAsync" },
        { "POST", "/mcp/releaseSession" },
        { "POST", "/mcp/refreshSessionIdleTime" },
        { "POST", "/mcp?autoGenSession=false" },
        { "POST", "/mcp/listTools?imageId=agb-code-space-1" },
        { "GET", "/sdk/ListSession" },
        { "POST", "/sdk/SetLabel?Labels=%7B%22a%22%3A%22b%22%7D" },
        { "GET", "/sdk/GetLabel" },
        { "POST", "/mcp/getMcpResource" },
        { "GET", "/internet/getLink" },
    };

    [Theory]
    [MemberData(nameof(ApiRoutes))]
    public async Task Every_API_route_refuses_a_missing_or_wrong_key_with_401(string method, string path)
    {
        var body = new JsonObject { ["sessionId"] = shared.SessionId, ["name"] = "run_code", ["args"] = """{"code":"1","language":"python"}""" };
        foreach (string? key in new[] { null, "", "wrong-key-0123456789abcdef", TestServer.KeyA + "x", TestServer.KeyA[..^1] })
        {
            Answer refused = method == "GET" ? await Server.GetAsync(path, key) : await Server.PostAsync(path, body, key);
            Assert.Equal(401, refused.Status);
            Assert.False(refused.Success);
            Assert.Equal("InvalidApiKey", refused.Code);
            Assert.Contains("authorization: Bearer", refused.Message);
            Assert.Equal("Bearer", refused.WwwAuthenticate);
        }
        Assert.True((await Server.PostAsync("/mcp/getSessionInfo", new JsonObject { ["sessionId"] = shared.SessionId })).Success, "the session is untouched");
    }

    [Fact]
    public async Task A_bare_key_without_Bearer_is_accepted_as_well()
    {
        Answer answer = await Server.PostAsync("/mcp/getSessionInfo", new JsonObject { ["sessionId"] = shared.SessionId }, key: null,
            headers: new Dictionary<string, string> { ["authorization"] = TestServer.KeyA });
        Assert.Equal(200, answer.Status);
    }

    [Fact]
    public async Task Another_tenant_gets_exactly_the_answer_for_a_missing_session_and_changes_nothing()
    {
        string missing = $"session-{TestServer.InstanceId}-0000000000000000";
        foreach (string path in new[] { "/mcp/getSession", "/mcp/getSessionInfo", "/mcp/refreshSessionIdleTime", "/mcp/releaseSessionAsync", "/mcp/releaseSession", "/mcp" })
        {
            JsonObject Body(string id) => new() { ["sessionId"] = id, ["name"] = "run_code", ["args"] = """{"code":"print('intruder')","language":"python"}""" };
            Answer foreign = await Server.PostAsync(path, Body(shared.SessionId), TestServer.KeyB);
            Answer absent = await Server.PostAsync(path, Body(missing), TestServer.KeyB);
            Assert.Equal(400, foreign.Status);
            Assert.Equal(absent.Status, foreign.Status);
            Assert.Equal(absent.Code, foreign.Code);
            Assert.Equal("InvalidMcpSession.NotFound", foreign.Code);
            Assert.Equal(absent.Message!.Replace(missing, "<id>"), foreign.Message!.Replace(shared.SessionId, "<id>"));
        }
        Answer listed = await Server.GetAsync("/sdk/ListSession?maxResults=100", TestServer.KeyB);
        Assert.DoesNotContain(listed.Data!.AsArray(), i => i!["sessionId"]!.GetValue<string>() == shared.SessionId);

        // tenant A's session survived the delete attempts, and tenant B's run did not happen in it
        var (payload, _) = await Server.RunAsync(shared.SessionId, "'intruder' in globals() or 'still mine'");
        Assert.Equal("'still mine'", payload["result"]![0]!["text/plain"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_LinkUrl_route_wants_the_session_s_own_token_and_refuses_one_that_outlived_its_session()
    {
        JsonObject other = await Server.CreateSessionAsync(TestServer.KeyB);
        JsonObject doomed = await Server.CreateSessionAsync();
        await Server.DeleteSessionAsync(doomed["sessionId"]!.GetValue<string>());

        var cases = new (string Url, string? Token)[]
        {
            (shared.LinkUrl, null),
            (shared.LinkUrl, "not-the-token"),
            (shared.LinkUrl, other["token"]!.GetValue<string>()),                        // another session's (and tenant's) token
            (doomed["linkUrl"]!.GetValue<string>(), doomed["token"]!.GetValue<string>()), // the token of a released session
        };
        foreach (var (url, token) in cases)
        {
            var body = new JsonObject { ["args"] = new JsonObject { ["code"] = "1", ["language"] = "python" }, ["tool"] = "run_code" };
            Answer refused = await Server.PostAsync($"{url}/callTool", body, key: TestServer.KeyA,
                headers: token is null ? null : new Dictionary<string, string> { ["X-Access-Token"] = token });
            Assert.Equal(401, refused.Status);
            Assert.Equal("InvalidAccessToken", refused.Code);
            Assert.Contains("access token is not valid", refused.Message);
        }
        await Server.DeleteSessionAsync(other["sessionId"]!.GetValue<string>(), TestServer.KeyB);
    }

    [Fact]
    public async Task The_WebSocket_upgrade_wants_the_session_s_own_token()
    {
        JsonObject doomed = await Server.CreateSessionAsync();
        await Server.DeleteSessionAsync(doomed["sessionId"]!.GetValue<string>());

        Assert.Equal(401, await StreamClient.RefusedStatusAsync(shared.WsUrl, null));
        Assert.Equal(401, await StreamClient.RefusedStatusAsync(shared.WsUrl, "not-the-token"));
        Assert.Equal(401, await StreamClient.RefusedStatusAsync(doomed["wsUrl"]!.GetValue<string>(), doomed["token"]!.GetValue<string>()));
        Assert.Equal(401, await StreamClient.RefusedStatusAsync(doomed["wsUrl"]!.GetValue<string>(), shared.Token));

        await using StreamClient accepted = await StreamClient.ConnectAsync(shared.WsUrl, shared.Token);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, accepted.Socket.State);
    }

    [Fact]
    public async Task Keys_and_session_tokens_never_reach_the_log()
    {
        await Server.PostAsync("/mcp/getSessionInfo", new JsonObject { ["sessionId"] = shared.SessionId });
        await Server.PostAsync("/mcp/getSessionInfo", new JsonObject { ["sessionId"] = shared.SessionId }, key: "wrong-key-0123456789abcdef");
        await Server.PostAsync($"{shared.LinkUrl}/callTool",
            new JsonObject { ["args"] = new JsonObject { ["code"] = "1", ["language"] = "python" }, ["tool"] = "run_code", ["token"] = shared.Token });
        await using (StreamClient client = await StreamClient.ConnectAsync(shared.WsUrl, shared.Token))
            await client.CollectAsync(await client.RunAsync("2"));

        string log = Server.Logs.All;
        Assert.Contains(shared.SessionId, log);   // the capture sees the requests
        Assert.DoesNotContain(TestServer.KeyA, log);
        Assert.DoesNotContain("wrong-key-0123456789abcdef", log);
        Assert.DoesNotContain(shared.Token, log);
    }
}
