using System.Net;
using System.Text.Json;
using AgbCode.Client.Tests.Support;
using AgbCode.Core.Errors;
using AgbCode.Core.Results;

namespace AgbCode.Client.Tests.Parsing;

/// <summary>The LinkUrl route: POST {linkUrl}/callTool with the session token, and the shapes of its answers.</summary>
public class LinkUrlFormatTests
{
    [Fact]
    public async Task The_request_carries_the_token_and_args_as_an_object()
    {
        StubHandler handler = StubHandler.FromRecorded("link-object-data.json");
        EnhancedCodeExecutionResult r = await RouteHarness.LinkRoute(handler);

        (HttpRequestMessage request, string body) = Assert.Single(handler.Requests);
        Assert.Equal("https://link.example.test/session-abc/callTool", request.RequestUri!.ToString());
        Assert.Equal("token-123", request.Headers.GetValues("X-Access-Token").Single());
        Assert.Null(request.Headers.Authorization);   // the API key never goes to a session URL
        JsonElement json = JsonDocument.Parse(body).RootElement;
        JsonElement args = json.GetProperty("args");
        Assert.Equal(JsonValueKind.Object, args.ValueKind);
        Assert.Equal(("print(1)", "python", 91), (args.GetProperty("code").GetString(), args.GetProperty("language").GetString(), args.GetProperty("timeout_s").GetInt32()));
        Assert.Equal(("codespace", "run_code", "token-123"), (json.GetProperty("server").GetString(), json.GetProperty("tool").GetString(), json.GetProperty("token").GetString()));
        Assert.Matches("^link-[0-9]+-[0-9]{9}$", json.GetProperty("requestId").GetString()!);
        Assert.Equal(json.GetProperty("requestId").GetString(), r.RequestId);
    }

    [Fact]
    public async Task Object_data_holds_the_new_format()
    {
        EnhancedCodeExecutionResult r = await RouteHarness.LinkRoute(StubHandler.FromRecorded("link-object-data.json"));

        Assert.True(r.Success);
        Assert.Equal(8, r.Results.Count);
        Assert.Equal(["hello\n", "world\n"], r.Logs.Stdout);
    }

    [Fact]
    public async Task String_data_with_a_string_content_item_is_decoded()
    {
        EnhancedCodeExecutionResult r = await RouteHarness.LinkRoute(StubHandler.FromRecorded("link-string-data.json"));

        Assert.True(r.Success);
        Assert.Equal("'linked'", Assert.Single(r.Results).Text);
        Assert.Equal(["via link\n"], r.Logs.Stdout);
        Assert.Equal(5, r.ExecutionCount);
    }

    [Fact]
    public async Task A_content_item_may_carry_a_blob() =>
        Assert.Equal("blob text", Assert.Single((await RouteHarness.LinkRoute(StubHandler.FromRecorded("link-blob-content.json"))).Results).Text);

    [Theory]
    [InlineData("link-is-error.json", HttpStatusCode.OK, "tool failed: bad args")]
    [InlineData("link-no-data.json", HttpStatusCode.OK, "No data field in LinkUrl response")]
    [InlineData("link-no-result.json", HttpStatusCode.OK, "No result field in LinkUrl response data")]
    [InlineData("link-no-data.json", HttpStatusCode.BadGateway, "HTTP request failed with code: 502")]
    public async Task Failures_carry_the_reference_message(string recorded, HttpStatusCode status, string message)
    {
        EnhancedCodeExecutionResult r = await RouteHarness.LinkRoute(StubHandler.FromRecorded(recorded, status));

        Assert.False(r.Success);
        Assert.Equal(message, r.ErrorMessage);
        Assert.StartsWith("link-", r.RequestId);
    }

    [Fact]
    public async Task A_refused_token_is_an_authentication_error_without_the_token()
    {
        var e = await Assert.ThrowsAsync<AgbException>(() => RouteHarness.LinkRoute(StubHandler.FromRecorded("link-no-data.json", HttpStatusCode.Unauthorized)));

        Assert.Equal("AgbAuthenticationFailed", e.ErrorId);
        Assert.DoesNotContain("token-123", e.MessageWithFix);
    }
}
