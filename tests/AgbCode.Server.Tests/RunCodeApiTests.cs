using System.Text.Json.Nodes;
using AgbCode.Server.Tests.Support;

namespace AgbCode.Server.Tests;

/// <summary>ListMcpTools, run_code through CallMcpTool (the API route) and through the LinkUrl route (agb-api.md §2.3, §3.2, §3.3).</summary>
[Collection(SharedServerCollection.Name)]
public class RunCodeApiTests(SharedServer shared)
{
    private TestServer Server => shared.Server;

    [Fact]
    public async Task ListMcpTools_returns_the_tool_list_as_a_JSON_string_for_either_code_image()
    {
        foreach (string image in new[] { "agb-code-space-1", "agb-code-space-2" })
        {
            Answer listed = await Server.PostAsync($"/mcp/listTools?imageId={image}", "{}");
            Assert.Equal(200, listed.Status);
            Assert.True(listed.Success);
            SessionApiTests.AssertToolList(listed.Data);
        }
        Answer refused = await Server.PostAsync("/mcp/listTools?imageId=agb-computer-use-ubuntu-2204", "{}");
        Assert.Equal(400, refused.Status);
        Assert.Equal("InvalidParameter.ImageId", refused.Code);
    }

    [Fact]
    public async Task CallMcpTool_returns_the_new_format_with_output_main_result_and_counters()
    {
        var (payload, answer) = await Server.RunAsync(shared.SessionId, "print('hello')\n6 * 7");

        Assert.True(answer.Success);
        Assert.Equal("ok", answer.Code);
        Assert.Equal(["isError", "content"], answer.Data!.AsObject().Select(p => p.Key).ToArray());
        Assert.Equal(["result", "stdout", "stderr", "execution_count", "execution_time"], payload.Select(p => p.Key).ToArray());
        JsonObject main = Assert.Single(payload["result"]!.AsArray())!.AsObject();
        Assert.Equal("42", main["text/plain"]!.GetValue<string>());
        Assert.True(main["isMainResult"]!.GetValue<bool>());
        Assert.Equal(["hello\n"], payload["stdout"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Empty(payload["stderr"]!.AsArray());
        Assert.True(payload["execution_count"]!.GetValue<int>() >= 1);
        Assert.InRange(payload["execution_time"]!.GetValue<double>(), 0, 30);
    }

    [Fact]
    public async Task A_runtime_error_is_a_tool_result_with_executionError_and_the_output_before_it()
    {
        var (payload, answer) = await Server.RunAsync(shared.SessionId, "print('partial')\nx = 1 / 0");

        Assert.True(answer.Success);   // the call worked; the code failed, which the payload says
        Assert.Equal("ZeroDivisionError: division by zero", payload["executionError"]!.GetValue<string>());
        Assert.Contains("ZeroDivisionError", payload["traceback"]!.GetValue<string>());
        Assert.Equal(["partial\n"], payload["stdout"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task An_exit_code_travels_in_executionError_and_a_clean_exit_is_a_success()
    {
        var (failed, _) = await Server.RunAsync(shared.SessionId, "print('bye')\nimport sys; sys.exit(3)");
        var (clean, _) = await Server.RunAsync(shared.SessionId, "import sys; sys.exit(0)");

        Assert.Equal("SystemExit: exit code 3", failed["executionError"]!.GetValue<string>());
        Assert.Equal(["bye\n"], failed["stdout"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.False(clean.ContainsKey("executionError"));
        Assert.Empty(clean["stderr"]!.AsArray());
    }

    [Fact]
    public async Task State_persists_across_runs_and_rich_results_carry_their_MIME_types()
    {
        await Server.RunAsync(shared.SessionId, "persisted = 41");
        var (next, _) = await Server.RunAsync(shared.SessionId, "persisted + 1");
        Assert.Equal("42", next["result"]![0]!["text/plain"]!.GetValue<string>());

        var (rich, _) = await Server.RunAsync(shared.SessionId, "from IPython.display import display, HTML, Markdown\ndisplay(HTML('<b>bold</b>'))\ndisplay(Markdown('# Title'))");
        JsonArray items = rich["result"]!.AsArray();
        Assert.Equal(2, items.Count);
        Assert.Equal("<b>bold</b>", items[0]!["text/html"]!.GetValue<string>());
        Assert.False(items[0]!["isMainResult"]!.GetValue<bool>());
        Assert.Equal("# Title", items[1]!["text/markdown"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_timeout_interrupts_the_run_and_says_so()
    {
        var (payload, _) = await Server.RunAsync(shared.SessionId, "import time\nprint('waiting', flush=True)\ntime.sleep(20)", timeoutSec: 0.5);
        Assert.StartsWith("TimeoutError: The run exceeded its 0.5 s timeout", payload["executionError"]!.GetValue<string>());
        Assert.Equal(["waiting\n"], payload["stdout"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task JavaScript_runs_in_the_same_session_with_its_own_kernel()
    {
        var (payload, _) = await Server.RunAsync(shared.SessionId, "console.log('from js'); 1 + 2", "js");
        Assert.Equal(["from js\n"], payload["stdout"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("3", payload["result"]![0]!["text/plain"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"code":"1","language":"ruby"}""", 400, "InvalidParameter", "Unsupported language: ruby. Supported languages are java, javascript, python, r")]
    [InlineData("""{"code":"   ","language":"python"}""", 400, "InvalidParameter", "The code is empty")]
    [InlineData("""{"language":"python"}""", 400, "MissingParameter", "'code'")]
    [InlineData("""{"code":"1"}""", 400, "MissingParameter", "'language'")]
    [InlineData("""{"code":1,"language":"python"}""", 400, "InvalidParameter", "'code' must be a string")]
    [InlineData("""{"code":"1","language":"python","timeout_s":0}""", 400, "InvalidParameter", "timeout")]
    [InlineData("""{"code":"1","language":"python","timeout_s":99999}""", 400, "InvalidParameter", "AGBCODE_MAX_RUN_TIMEOUT_SEC")]
    [InlineData("not json", 400, "InvalidParameter", "'args' is not valid JSON")]
    public async Task Bad_run_code_arguments_get_a_4xx_naming_the_cause(string args, int status, string code, string message)
    {
        Answer refused = await Server.PostAsync("/mcp?autoGenSession=false",
            new JsonObject { ["sessionId"] = shared.SessionId, ["name"] = "run_code", ["args"] = args });
        Assert.Equal(status, refused.Status);
        Assert.False(refused.Success);
        Assert.Equal(code, refused.Code);
        Assert.Contains(message, refused.Message);
    }

    [Fact]
    public async Task An_unknown_tool_and_autoGenSession_are_refused()
    {
        Answer unknown = await Server.PostAsync("/mcp", new JsonObject { ["sessionId"] = shared.SessionId, ["name"] = "non_existent_tool_12345", ["args"] = "{}" });
        Assert.Equal(400, unknown.Status);
        Assert.Equal("InvalidMcpTool.NotFound", unknown.Code);
        Assert.Contains("non_existent_tool_12345", unknown.Message);

        Answer autoGen = await Server.PostAsync("/mcp?autoGenSession=true", new JsonObject { ["sessionId"] = shared.SessionId, ["name"] = "run_code", ["args"] = "{}" });
        Assert.Equal(400, autoGen.Status);
        Assert.Contains("autoGenSession", autoGen.Message);
    }

    [Fact]
    public async Task The_LinkUrl_route_runs_with_the_session_token_and_args_as_an_object()
    {
        var body = new JsonObject
        {
            ["args"] = new JsonObject { ["code"] = "print('via link')\n'done'", ["language"] = "python", ["timeout_s"] = 30 },
            ["server"] = "wuying_codespace",
            ["requestId"] = "link-1700000000000-123456789",
            ["tool"] = "run_code",
            ["token"] = shared.Token,
        };
        Answer answer = await Server.PostAsync($"{shared.LinkUrl}/callTool", body, key: null,
            headers: new Dictionary<string, string> { ["X-Access-Token"] = shared.Token });

        Assert.Equal(200, answer.Status);
        Assert.True(answer.Success);
        JsonObject payload = TestServer.ToolText(answer.Data!["result"]!);
        Assert.Equal(["via link\n"], payload["stdout"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("'done'", payload["result"]![0]!["text/plain"]!.GetValue<string>());

        // the token may also come only in the body, as the SDKs add it there too
        Answer bodyToken = await Server.PostAsync($"{shared.LinkUrl}/callTool", body, key: null);
        Assert.Equal(200, bodyToken.Status);
    }
}
