using AgbCode.Client.Http;
using AgbCode.Client.Parsing;
using AgbCode.Client.Tests.Support;

namespace AgbCode.Client.Tests.Parsing;

/// <summary>Session fields and toolList parsing (§1.4), and envelope variants (§3.1).</summary>
public class SessionDetailsTests
{
    private static readonly Dictionary<string, string> Urls = new()
    {
        ["$LINK"] = "https://link.example.test/s", ["$WS"] = "wss://ws.example.test/s?token=secret", ["$TOKEN"] = "tok",
    };

    [Fact]
    public void CreateSession_data_with_a_toolList_string()
    {
        ApiResponse response = ApiResponse.From(200, Recorded.Json("create-session.json", Urls), null);
        SessionDetails d = SessionDetails.From(response.Data, "");

        Assert.True(response.Ok);
        Assert.Equal("req-create", response.RequestId);
        Assert.Equal("session-abc", d.SessionId);
        Assert.Equal(("https://link.example.test/s", "wss://ws.example.test/s?token=secret", "tok"), (d.LinkUrl!.ToString(), d.WsUrl!.ToString(), d.Token));
        Assert.Equal(["run_code", "shell"], d.Tools.Select(t => t.Name));
        Assert.Equal("codespace", d.RunCodeServer);
        Assert.Equal("Run code", d.Tools[0].Description);
        Assert.DoesNotContain("tok", d.ToString());
    }

    [Fact]
    public void GetSession_data_with_capitalized_names_and_a_toolList_array()
    {
        SessionDetails d = SessionDetails.From(ApiResponse.From(200, Recorded.Json("get-session-capitalized.json", Urls), null).Data, "fallback");

        Assert.Equal(("session-abc", "RUNNING", "tok"), (d.SessionId, d.Status, d.Token));
        Assert.NotNull(d.LinkUrl);
        Assert.Equal("codespace-2", d.RunCodeServer);   // from serverName
        Assert.Equal([("run_code", "codespace-2"), ("other", "x")], d.Tools.Select(t => (t.Name, t.Server)));
    }

    [Fact]
    public void Missing_or_empty_urls_mean_no_such_route()
    {
        SessionDetails d = SessionDetails.From(Recorded.Json("create-session.json", new Dictionary<string, string> { ["$LINK"] = "", ["$WS"] = "", ["$TOKEN"] = "" })
            .GetProperty("data"), "");

        Assert.Equal((null, null, null), (d.LinkUrl, d.WsUrl, d.Token));
    }

    [Fact]
    public void A_ws_url_given_as_http_is_used_as_ws()
    {
        SessionDetails d = SessionDetails.From(Recorded.Json("create-session.json", new Dictionary<string, string> { ["$LINK"] = "", ["$WS"] = "https://h.example.test:8443/ws/s", ["$TOKEN"] = "t" })
            .GetProperty("data"), "");

        Assert.Equal("wss://h.example.test:8443/ws/s", d.WsUrl!.ToString());
    }

    [Fact]
    public void A_toolList_that_is_not_a_list_gives_no_tools()
    {
        Assert.Empty(ToolList.Parse(System.Text.Json.JsonDocument.Parse("\"not json\"").RootElement));
        Assert.Empty(ToolList.Parse(System.Text.Json.JsonDocument.Parse("{}").RootElement));
        Assert.Null(ToolList.RunCodeServer([new McpTool("run_code", null, null)]));
    }

    [Fact]
    public void An_envelope_nested_under_body_with_capitalized_fields()
    {
        ApiResponse response = ApiResponse.From(200, Recorded.Json("delete-nested-body.json"), null);

        Assert.True(response.Ok200);
        Assert.Equal(("ok", "req-del"), (response.Code, response.RequestId));
    }

    [Fact]
    public void The_request_id_falls_back_to_the_header() =>
        Assert.Equal("from-header", ApiResponse.From(200, System.Text.Json.JsonDocument.Parse("""{"success":true}""").RootElement, "from-header").RequestId);

    [Theory]
    [InlineData("api-session-not-found.json", true, true)]
    [InlineData("session-info-not-found.json", true, true)]
    [InlineData("api-envelope-failure.json", false, false)]
    public void Not_found_answers_are_recognized(string recorded, bool notFound, bool sessionNotFound)
    {
        ApiResponse response = ApiResponse.From(400, Recorded.Json(recorded), null);

        Assert.Equal((notFound, sessionNotFound), (response.IsNotFound, response.IsSessionNotFound));
    }
}
