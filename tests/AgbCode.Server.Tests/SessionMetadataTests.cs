using System.Text.Json.Nodes;
using AgbCode.Server.Tests.Support;

namespace AgbCode.Server.Tests;

/// <summary>
/// SetLabel / GetLabel, GetMcpResource and GetLink with the shapes the SDKs send and read (agb-api.md §1.2, §3.1;
/// agb-tools.md §3): labels as a JSON string in the query and in data.labels, info's sessionId and resourceUrl, getLink's data.url.
/// </summary>
[Collection(SharedServerCollection.Name)]
public class SessionMetadataTests(SharedServer shared)
{
    private TestServer Server => shared.Server;

    private static string Query(string text) => Uri.EscapeDataString(text);

    private async Task<JsonObject> LabelsOfAsync(string sessionId, string? key = TestServer.KeyA)
    {
        Answer got = await Server.GetAsync($"/sdk/GetLabel?sessionId={sessionId}", key);
        Assert.True(got.Success, got.Text);
        return JsonNode.Parse(got.Data!["labels"]!.GetValue<string>())!.AsObject();
    }

    [Fact]
    public async Task SetLabel_replaces_the_labels_as_the_SDK_sends_them_and_GetLabel_answers_them_as_a_JSON_string()
    {
        JsonObject created = await Server.CreateSessionAsync(body: new JsonObject { ["labels"] = """{"key1":"val1","key2":"val2"}""" });
        string id = created["sessionId"]!.GetValue<string>();

        JsonObject first = await LabelsOfAsync(id);
        Assert.Equal("""{"key1":"val1","key2":"val2"}""", first.ToJsonString());

        // the SDKs: POST /sdk/SetLabel?sessionId=..&Labels=<JSON string>, body {} (Python) or none (TypeScript)
        Answer set = await Server.PostAsync($"/sdk/SetLabel?sessionId={id}&Labels={Query("""{"key1":"updated","key3":"new"}""")}");
        Assert.Equal(200, set.Status);
        Assert.True(set.Success, set.Text);
        Answer got = await Server.GetAsync($"/sdk/GetLabel?sessionId={id}");
        Assert.Equal(["count", "labels", "maxResults", "nextToken"], got.Data!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("""{"key1":"updated","key3":"new"}""", got.Data!["labels"]!.GetValue<string>());   // key2 is gone: a replace
        Assert.Equal(2, got.Data!["count"]!.GetValue<int>());
        Assert.Equal("", got.Data!["nextToken"]!.GetValue<string>());

        await Server.DeleteSessionAsync(id);
    }

    [Fact]
    public async Task Labels_set_after_creation_filter_ListSession()
    {
        string unique = $"after-{Guid.NewGuid():N}";
        JsonObject created = await Server.CreateSessionAsync();
        string id = created["sessionId"]!.GetValue<string>();
        async Task<IEnumerable<string>> ListedAsync() =>
            (await Server.GetAsync($"/sdk/ListSession?labels={Query($$"""{"stage":"{{unique}}"}""")}")).Data!.AsArray().Select(i => i!["sessionId"]!.GetValue<string>());

        Assert.Empty(await ListedAsync());
        Assert.True((await Server.PostAsync($"/sdk/SetLabel?sessionId={id}&Labels={Query($$"""{"stage":"{{unique}}"}""")}")).Success);
        Assert.Equal([id], await ListedAsync());
        Assert.True((await Server.PostAsync($"/sdk/SetLabel?sessionId={id}&Labels={Query("""{"stage":"other"}""")}")).Success);
        Assert.Empty(await ListedAsync());
        await Server.DeleteSessionAsync(id);
    }

    [Fact]
    public async Task GetLabel_pages_by_maxResults_and_nextToken_in_key_order()
    {
        JsonObject created = await Server.CreateSessionAsync(body: new JsonObject { ["labels"] = """{"c":"3","a":"1","b":"2"}""" });
        string id = created["sessionId"]!.GetValue<string>();
        var seen = new List<string>();
        string token = "";
        int pages = 0;
        do
        {
            Answer page = await Server.GetAsync($"/sdk/GetLabel?sessionId={id}&maxResults=2&nextToken={Query(token)}");
            Assert.True(page.Success, page.Text);
            Assert.Equal(3, page.Data!["count"]!.GetValue<int>());
            Assert.Equal(2, page.Data!["maxResults"]!.GetValue<int>());
            JsonObject labels = JsonNode.Parse(page.Data!["labels"]!.GetValue<string>())!.AsObject();
            Assert.InRange(labels.Count, 1, 2);
            seen.AddRange(labels.Select(l => $"{l.Key}={l.Value}"));
            token = page.Data!["nextToken"]!.GetValue<string>();
            pages++;
        }
        while (token.Length > 0 && pages < 5);
        Assert.Equal(["a=1", "b=2", "c=3"], seen);
        Assert.Equal(2, pages);
        await Server.DeleteSessionAsync(id);
    }

    [Theory]
    [InlineData("", "Labels")]                                      // missing
    [InlineData("&Labels=%7B%7D", "no label")]                      // {} (the SDKs refuse it before sending)
    [InlineData("&Labels=%7B%22%22%3A%22x%22%7D", "key")]           // {"":"x"}
    [InlineData("&Labels=%7B%22k%22%3A%22%20%22%7D", "'k'")]        // {"k":" "}
    [InlineData("&Labels=%7B%22k%22%3A1%7D", "'k'")]                // {"k":1}
    [InlineData("&Labels=%5B%5D", "JSON object")]                   // []
    [InlineData("&Labels=%7Bbroken", "not valid JSON")]
    public async Task SetLabel_refuses_bad_labels_with_400_and_keeps_the_old_ones(string query, string named)
    {
        JsonObject created = await Server.CreateSessionAsync(body: new JsonObject { ["labels"] = """{"keep":"me"}""" });
        string id = created["sessionId"]!.GetValue<string>();
        Answer refused = await Server.PostAsync($"/sdk/SetLabel?sessionId={id}{query}");
        Assert.Equal(400, refused.Status);
        Assert.False(refused.Success);
        Assert.StartsWith(query.Length == 0 ? "MissingParameter" : "InvalidParameter", refused.Code);
        Assert.Contains(named, refused.Message);
        Assert.Equal("""{"keep":"me"}""", (await LabelsOfAsync(id)).ToJsonString());
        await Server.DeleteSessionAsync(id);
    }

    [Fact]
    public async Task GetMcpResource_answers_what_session_info_reads_without_the_token()
    {
        Answer info = await Server.PostAsync("/mcp/getMcpResource", new JsonObject { ["sessionId"] = shared.SessionId });
        Assert.Equal(200, info.Status);
        Assert.True(info.Success, info.Text);
        JsonObject data = info.Data!.AsObject();
        Assert.Equal(shared.SessionId, data["sessionId"]!.GetValue<string>());
        Assert.Equal(shared.Session["resourceUrl"]!.GetValue<string>(), data["resourceUrl"]!.GetValue<string>());
        Assert.Equal("RUNNING", data["status"]!.GetValue<string>());
        Assert.Equal(shared.LinkUrl, data["linkUrl"]!.GetValue<string>());
        Assert.Equal(shared.WsUrl, data["wsUrl"]!.GetValue<string>());
        Assert.Equal("agb-code-space-1", data["imageId"]!.GetValue<string>());
        Assert.True(DateTimeOffset.TryParse(data["createTime"]!.GetValue<string>(), out _));
        Assert.Null(data["desktopInfo"]);   // the SDKs add desktop fields only when it is there: there is no desktop
        Assert.DoesNotContain(shared.Token, info.Text);
    }

    [Theory]
    [InlineData("", "linkUrl")]
    [InlineData("&protocolType=https", "linkUrl")]
    [InlineData("&protocolType=HTTP", "linkUrl")]
    [InlineData("&protocolType=wss", "wsUrl")]
    public async Task GetLink_answers_the_session_s_own_links_in_data_url(string query, string which)
    {
        Answer link = await Server.GetAsync($"/internet/getLink?sessionId={shared.SessionId}{query}");
        Assert.Equal(200, link.Status);
        Assert.True(link.Success, link.Text);
        Assert.Equal(shared.Session[which]!.GetValue<string>(), link.Data!["url"]!.GetValue<string>());
        Assert.NotEmpty(link.Json!["requestId"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("&protocolType=https&port=8080", "no network")]
    [InlineData("&port=65535", "port 65535")]
    [InlineData("&protocolType=ftp", "protocolType 'ftp'")]
    public async Task GetLink_refuses_what_it_cannot_offer_saying_why(string query, string named)
    {
        Answer refused = await Server.GetAsync($"/internet/getLink?sessionId={shared.SessionId}{query}");
        Assert.Equal(400, refused.Status);
        Assert.Equal("InvalidParameter", refused.Code);
        Assert.Contains(named, refused.Message);
        Assert.NotEmpty(refused.Json!["requestId"]!.GetValue<string>());   // what the SDKs' getLink tests read
    }

    public static TheoryData<string, string> MetadataRoutes => new()
    {
        { "POST", "/sdk/SetLabel?Labels=%7B%22intruder%22%3A%22yes%22%7D&sessionId=" },
        { "GET", "/sdk/GetLabel?sessionId=" },
        { "POST", "/mcp/getMcpResource?sessionId=" },
        { "GET", "/internet/getLink?sessionId=" },
    };

    [Theory]
    [MemberData(nameof(MetadataRoutes))]
    public async Task Another_tenant_s_session_is_not_found_exactly_as_a_missing_one_and_keeps_its_labels(string method, string path)
    {
        JsonObject created = await Server.CreateSessionAsync(body: new JsonObject { ["labels"] = """{"owner":"a"}""" });
        string id = created["sessionId"]!.GetValue<string>();
        string missing = $"session-{TestServer.InstanceId}-0000000000000000";
        Task<Answer> Call(string sessionId, string? key) => method == "GET" ? Server.GetAsync(path + sessionId, key) : Server.PostAsync(path + sessionId, null, key);

        Answer foreign = await Call(id, TestServer.KeyB);
        Answer absent = await Call(missing, TestServer.KeyB);
        Assert.Equal(400, foreign.Status);
        Assert.Equal("InvalidMcpSession.NotFound", foreign.Code);
        Assert.Equal(absent.Status, foreign.Status);
        Assert.Equal(absent.Code, foreign.Code);
        Assert.Equal(absent.Message!.Replace(missing, "<id>"), foreign.Message!.Replace(id, "<id>"));
        foreach (string? key in new[] { null, "wrong-key-0123456789abcdef" })
            Assert.Equal(401, (await Call(id, key)).Status);

        Assert.Equal("""{"owner":"a"}""", (await LabelsOfAsync(id)).ToJsonString());
        await Server.DeleteSessionAsync(id);
        Assert.Equal("InvalidMcpSession.NotFound", (await Call(id, TestServer.KeyA)).Code);   // released: gone for its owner too
    }

    [Fact]
    public async Task Reading_labels_info_and_links_does_not_keep_a_session_alive()
    {
        await using TestServer server = await TestServer.StartAsync(("SPARE_SESSIONS", "0"));
        Answer created = await server.PostAsync("/mcp/createSession?imageId=agb-code-space-1", new JsonObject { ["timeout"] = 2 });
        string id = created.Data!["sessionId"]!.GetValue<string>();
        // polled well past the idle timeout, the session is released all the same
        await Eventually.TrueAsync(async () =>
        {
            Answer labels = await server.GetAsync($"/sdk/GetLabel?sessionId={id}");
            await server.PostAsync("/mcp/getMcpResource", new JsonObject { ["sessionId"] = id });
            await server.GetAsync($"/internet/getLink?sessionId={id}");
            return labels.Code == "InvalidMcpSession.NotFound";
        }, 60, "the idle session to be released while its labels, info and link were read");
    }
}
