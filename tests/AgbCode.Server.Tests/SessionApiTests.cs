using System.Text.Json.Nodes;
using AgbCode.Server.Tests.Support;

namespace AgbCode.Server.Tests;

/// <summary>The session lifecycle routes' request and response shapes, against the AGB reference (agb-api.md §1.2, §3.1).</summary>
[Collection(SharedServerCollection.Name)]
public class SessionApiTests(SharedServer shared)
{
    private TestServer Server => shared.Server;

    private static readonly string[] EnvelopeFields = ["success", "code", "message", "httpStatusCode", "requestId", "data"];

    [Fact]
    public async Task CreateSession_answers_the_AGB_envelope_with_the_session_s_routes_token_and_tool_list()
    {
        Answer created = await Server.PostAsync("/mcp/createSession?imageId=agb-code-space-1&sdkStats=%7B%22source%22%3A%22sdk%22%7D",
            new JsonObject { ["labels"] = """{"suite":"shape"}""", ["timeout"] = 120 });

        Assert.Equal(200, created.Status);
        Assert.Equal(EnvelopeFields, created.Json!.Select(p => p.Key).ToArray());
        Assert.True(created.Success);
        Assert.Equal("ok", created.Code);
        Assert.Equal("", created.Message);
        Assert.Equal(200, created.Json!["httpStatusCode"]!.GetValue<int>());
        string requestId = created.Json["requestId"]!.GetValue<string>();
        Assert.NotEmpty(requestId);
        Assert.Equal(requestId, created.RequestIdHeader);

        JsonObject data = created.Data!.AsObject();
        Assert.Equal(["appInstanceId", "errMsg", "linkUrl", "networkInterfaceIp", "resourceId", "resourceUrl", "sessionId", "success", "taskId", "token", "toolList", "wsUrl"],
            data.Select(p => p.Key).Order(StringComparer.Ordinal));
        string id = data["sessionId"]!.GetValue<string>();
        Assert.Matches($"^session-{TestServer.InstanceId}-[0-9a-z]{{16}}$", id);
        Assert.Equal(TestServer.InstanceId, data["appInstanceId"]!.GetValue<string>());
        Assert.NotEmpty(data["resourceId"]!.GetValue<string>());
        Assert.Contains("resourceId=", data["resourceUrl"]!.GetValue<string>());
        Assert.True(data["success"]!.GetValue<bool>());
        Assert.Equal("", data["errMsg"]!.GetValue<string>());
        Assert.Equal($"{Server.BaseUrl}/link/{id}", data["linkUrl"]!.GetValue<string>());
        Assert.Equal($"ws://{new Uri(Server.BaseUrl).Authority}/ws/{id}", data["wsUrl"]!.GetValue<string>());
        Assert.True(data["token"]!.GetValue<string>().Length >= 40);
        AssertToolList(data["toolList"]);
        await Server.DeleteSessionAsync(id);
    }

    /// <summary>
    /// toolList is a JSON string (the TS SDK keeps it raw) listing run_code, the file tools, shell and get_metrics, each
    /// with a server (so the SDKs pick LinkUrl and WebSocket), a description and an input schema.
    /// </summary>
    internal static void AssertToolList(JsonNode? toolList)
    {
        JsonArray tools = JsonNode.Parse(toolList!.GetValue<string>())!.AsArray();
        Assert.Equal(["create_directory", "delete_file", "edit_file", "get_file_change", "get_file_info", "get_metrics", "list_directory",
                "move_file", "read_file", "read_multiple_files", "run_code", "search_files", "shell", "write_file"],
            tools.Select(t => t!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        foreach (JsonNode? tool in tools)
        {
            Assert.Equal("wuying_codespace", tool!["server"]!.GetValue<string>());
            Assert.NotEmpty(tool["description"]!.GetValue<string>());
            Assert.Equal("object", tool["inputSchema"]!["type"]!.GetValue<string>());
            Assert.All(tool["inputSchema"]!["required"]!.AsArray(), r => Assert.NotNull(tool["inputSchema"]!["properties"]![r!.GetValue<string>()]));
        }
        Assert.Equal(["path", "content"], Required(tools, "write_file"));
        Assert.Equal(["command"], Required(tools, "shell"));
        Assert.Empty(Required(tools, "get_metrics"));
        JsonObject runCode = tools.Single(t => t!["name"]!.GetValue<string>() == "run_code")!.AsObject();
        Assert.Equal("wuying_codespace", runCode["server"]!.GetValue<string>());
        Assert.NotEmpty(runCode["description"]!.GetValue<string>());
        Assert.Equal(["code", "language"], runCode["inputSchema"]!["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.NotNull(runCode["inputSchema"]!["properties"]!["timeout_s"]);
    }

    private static IEnumerable<string> Required(JsonArray tools, string name) =>
        tools.Single(t => t!["name"]!.GetValue<string>() == name)!["inputSchema"]!["required"]!.AsArray().Select(r => r!.GetValue<string>());

    [Fact]
    public async Task Both_AGB_code_images_are_accepted_and_any_other_image_is_refused_with_a_clear_error()
    {
        JsonObject second = await Server.CreateSessionAsync(image: "agb-code-space-2");
        await Server.DeleteSessionAsync(second["sessionId"]!.GetValue<string>());

        Answer refused = await Server.PostAsync("/mcp/createSession?imageId=agb-browser-use-1");
        Assert.Equal(400, refused.Status);
        Assert.False(refused.Success);
        Assert.Equal("InvalidParameter.ImageId", refused.Code);
        Assert.Equal(400, refused.Json!["httpStatusCode"]!.GetValue<int>());
        Assert.Contains("'agb-browser-use-1'", refused.Message);
        Assert.Contains("Known images: agb-code-space-1, agb-code-space-2", refused.Message);
        Assert.Null(refused.Data);
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("""{"labels":"{\"a\":1}"}""", "label 'a'")]
    [InlineData("""{"labels":"[\"a\"]"}""", "must hold a JSON object")]
    [InlineData("""{"timeout":-5}""", "'timeout'")]
    [InlineData("""{"timeout":"soon"}""", "'timeout'")]
    [InlineData("""{"persistenceDataList":{"contextId":"c","path":"/x","policy":"{}"}}""", "persistenceDataList")]
    public async Task CreateSession_refuses_bad_input_with_400_naming_the_field(string body, string named)
    {
        Answer refused = await Server.PostAsync("/mcp/createSession?imageId=agb-code-space-1", body);
        Assert.Equal(400, refused.Status);
        Assert.Equal("InvalidParameter", refused.Code);
        Assert.Contains(named, refused.Message);
    }

    [Fact]
    public async Task GetSession_returns_the_same_routes_and_token_and_GetSessionDetail_the_status()
    {
        Answer got = await Server.PostAsync("/mcp/getSession", new JsonObject { ["sessionId"] = shared.SessionId });
        Assert.Equal(200, got.Status);
        Assert.Equal(EnvelopeFields, got.Json!.Select(p => p.Key).ToArray());
        JsonObject data = got.Data!.AsObject();
        Assert.Equal(["appInstanceId", "linkUrl", "resourceId", "resourceUrl", "sessionId", "status", "success", "token", "toolList", "wsUrl"],
            data.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(shared.SessionId, data["sessionId"]!.GetValue<string>());
        Assert.Equal("RUNNING", data["status"]!.GetValue<string>());
        Assert.Equal(shared.LinkUrl, data["linkUrl"]!.GetValue<string>());
        Assert.Equal(shared.WsUrl, data["wsUrl"]!.GetValue<string>());
        Assert.Equal(shared.Token, data["token"]!.GetValue<string>());
        Assert.Equal(shared.Session["resourceId"]!.GetValue<string>(), data["resourceId"]!.GetValue<string>());
        Assert.Equal(TestServer.InstanceId, data["appInstanceId"]!.GetValue<string>());
        AssertToolList(data["toolList"]);

        Answer detail = await Server.PostAsync("/mcp/getSessionInfo", new JsonObject { ["sessionId"] = shared.SessionId });
        Assert.Equal(200, detail.Status);
        Assert.True(detail.Success);
        Assert.Equal("RUNNING", detail.Data!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeleteSessionAsync_releases_the_session_and_then_every_lookup_answers_the_AGB_not_found()
    {
        string id = (await Server.CreateSessionAsync())["sessionId"]!.GetValue<string>();
        Answer deleted = await Server.PostAsync("/mcp/releaseSessionAsync", new JsonObject { ["sessionId"] = id });
        Assert.Equal(200, deleted.Status);
        Assert.True(deleted.Success);
        Assert.Equal("ok", deleted.Code);

        foreach (string path in new[] { "/mcp/getSessionInfo", "/mcp/getSession", "/mcp/releaseSessionAsync", "/mcp/refreshSessionIdleTime" })
        {
            Answer gone = await Server.PostAsync(path, new JsonObject { ["sessionId"] = id });
            // what the SDKs' delete polling looks for: HTTP 400, code InvalidMcpSession.NotFound, "not found" in the message
            Assert.Equal(400, gone.Status);
            Assert.False(gone.Success);
            Assert.Equal("InvalidMcpSession.NotFound", gone.Code);
            Assert.Contains($"Session {id} not found", gone.Message);
            Assert.Equal(400, gone.Json!["httpStatusCode"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task ReleaseSession_the_synchronous_route_also_deletes()
    {
        string id = (await Server.CreateSessionAsync())["sessionId"]!.GetValue<string>();
        Assert.Equal(200, (await Server.PostAsync("/mcp/releaseSession", new JsonObject { ["sessionId"] = id })).Status);
        Assert.Equal("InvalidMcpSession.NotFound", (await Server.PostAsync("/mcp/getSessionInfo", new JsonObject { ["sessionId"] = id })).Code);
    }

    [Fact]
    public async Task RefreshSessionIdleTime_takes_the_session_id_in_the_query_as_the_SDKs_send_it()
    {
        Answer refreshed = await Server.PostAsync($"/mcp/refreshSessionIdleTime?sessionId={shared.SessionId}", "{}");
        Assert.Equal(200, refreshed.Status);
        Assert.True(refreshed.Success);

        Answer missing = await Server.PostAsync("/mcp/refreshSessionIdleTime", "{}");
        Assert.Equal(400, missing.Status);
        Assert.Equal("MissingParameter", missing.Code);
        Assert.Contains("sessionId", missing.Message);
    }

    [Fact]
    public async Task ListSession_pages_with_nextToken_filters_by_labels_and_counts()
    {
        string suite = Guid.NewGuid().ToString("N");
        string labels = new JsonObject { ["suite"] = suite, ["kind"] = "paging" }.ToJsonString();
        var created = new List<string>();
        for (int i = 0; i < 3; i++)
            created.Add((await Server.CreateSessionAsync(body: new JsonObject { ["labels"] = labels }))["sessionId"]!.GetValue<string>());
        string filter = Uri.EscapeDataString(new JsonObject { ["suite"] = suite }.ToJsonString());

        Answer first = await Server.GetAsync($"/sdk/ListSession?maxResults=2&labels={filter}");
        Assert.Equal(200, first.Status);
        Assert.Equal([.. EnvelopeFields, "nextToken", "maxResults", "count"], first.Json!.Select(p => p.Key).ToArray());
        JsonArray page1 = first.Data!.AsArray();
        Assert.Equal(2, page1.Count);
        Assert.All(page1, item => Assert.Equal(["sessionId", "sessionStatus"], item!.AsObject().Select(p => p.Key).ToArray()));
        Assert.All(page1, item => Assert.Equal("RUNNING", item!["sessionStatus"]!.GetValue<string>()));
        Assert.Equal(2, first.Json!["maxResults"]!.GetValue<int>());
        Assert.Equal(3, first.Json["count"]!.GetValue<int>());
        string token = first.Json["nextToken"]!.GetValue<string>();
        Assert.NotEmpty(token);

        Answer second = await Server.GetAsync($"/sdk/ListSession?maxResults=2&labels={filter}&nextToken={Uri.EscapeDataString(token)}");
        JsonArray page2 = second.Data!.AsArray();
        Assert.Single(page2);
        Assert.Equal("", second.Json!["nextToken"]!.GetValue<string>());
        Assert.Equal(created, page1.Concat(page2).Select(i => i!["sessionId"]!.GetValue<string>()).ToList());

        // the default page holds the shared session too (no filter), and a filter that matches nothing lists nothing
        Answer all = await Server.GetAsync("/sdk/ListSession");
        Assert.Contains(all.Data!.AsArray(), i => i!["sessionId"]!.GetValue<string>() == shared.SessionId);
        Assert.Equal(10, all.Json!["maxResults"]!.GetValue<int>());
        Answer none = await Server.GetAsync($"/sdk/ListSession?labels={Uri.EscapeDataString("""{"suite":"no-such-suite"}""")}");
        Assert.Empty(none.Data!.AsArray());
        Assert.Equal(0, none.Json!["count"]!.GetValue<int>());

        foreach (string id in created)
            await Server.DeleteSessionAsync(id);
        Answer afterDelete = await Server.GetAsync($"/sdk/ListSession?labels={filter}");
        Assert.Empty(afterDelete.Data!.AsArray());
    }

    [Theory]
    [InlineData("maxResults=0", "maxResults")]
    [InlineData("maxResults=abc", "maxResults")]
    [InlineData("maxResults=101", "maxResults")]
    [InlineData("nextToken=bogus!", "nextToken")]
    [InlineData("labels=%7Bbroken", "labels")]
    public async Task ListSession_refuses_bad_parameters_with_400(string query, string named)
    {
        Answer refused = await Server.GetAsync($"/sdk/ListSession?{query}");
        Assert.Equal(400, refused.Status);
        Assert.Equal("InvalidParameter", refused.Code);
        Assert.Contains(named, refused.Message);
    }

    [Fact]
    public async Task Unknown_operations_and_wrong_methods_answer_the_envelope_not_an_empty_page()
    {
        Answer unknown = await Server.PostAsync("/mcp/getMcpResource2", "{}");
        Assert.Equal(404, unknown.Status);
        Assert.Equal("InvalidAction.NotFound", unknown.Code);
        Assert.Contains("/mcp/getMcpResource2", unknown.Message);

        Answer wrongMethod = await Server.GetAsync("/mcp/createSession");
        Assert.Equal(405, wrongMethod.Status);
        Assert.Equal("MethodNotAllowed", wrongMethod.Code);
    }
}
