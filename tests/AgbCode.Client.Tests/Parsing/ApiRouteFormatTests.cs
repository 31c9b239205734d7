using System.Net;
using System.Text.Json;
using AgbCode.Client.Tests.Support;
using AgbCode.Core.Errors;
using AgbCode.Core.Results;

namespace AgbCode.Client.Tests.Parsing;

/// <summary>Every run_code response format the reference lists, as the API route (POST /mcp) receives it.</summary>
public class ApiRouteFormatTests
{
    private const string Png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

    [Fact]
    public async Task New_format_keeps_logs_counters_and_every_kind_of_result_item()
    {
        EnhancedCodeExecutionResult r = await RouteHarness.ApiRoute("api-new-format.json");

        Assert.True(r.Success);
        Assert.Equal("req-new-1", r.RequestId);
        Assert.Equal(3, r.ExecutionCount);
        Assert.Equal(0.25, r.ExecutionTime);
        Assert.Equal(["hello\n", "world\n"], r.Logs.Stdout);
        Assert.Equal(["warning: careful\n"], r.Logs.Stderr);
        Assert.Null(r.Error);
        Assert.Equal("", r.ErrorMessage);
        Assert.Equal(8, r.Results.Count);

        // MIME keys
        Assert.Equal(("42", "<b>42</b>", true), (r.Results[0].Text, r.Results[0].Html, r.Results[0].IsMainResult));
        // short names
        Assert.Equal(("short name text", Png, false), (r.Results[1].Text, r.Results[1].Png, r.Results[1].IsMainResult));
        // a double-encoded JSON string holding a MIME dict, parsed as a dict (its isMainResult included)
        Assert.Equal(("# Double", true), (r.Results[2].Markdown, r.Results[2].IsMainResult));
        Assert.Equal(("\\frac{1}{2}", "<svg/>"), (r.Results[3].Latex, r.Results[3].Svg));
        // a non-JSON string, a JSON number in a string, a bare number: text, never the main result
        Assert.Equal(("plain line, not JSON", false), (r.Results[4].Text, r.Results[4].IsMainResult));
        Assert.Equal("7", r.Results[5].Text);
        Assert.Equal("3.5", r.Results[6].Text);
        // an empty MIME value falls through to the short name (Python's `or`), json and vega-lite v4 chart kept as JSON
        ExecutionResult last = r.Results[7];
        Assert.Equal("empty MIME value falls through", last.Text);
        Assert.Equal("/9j/", last.Jpeg);
        Assert.Equal(1, JsonData.ToElement(last.Json).GetProperty("a").GetInt32());
        Assert.Equal("bar", JsonData.ToElement(last.Chart).GetProperty("mark").GetString());
        Assert.True(last.Extra.ContainsKey("application/vnd.plotly.v1+json"));
        Assert.False(last.IsMainResult);
    }

    [Fact]
    public async Task New_format_execution_error_fails_the_run_and_keeps_the_output()
    {
        EnhancedCodeExecutionResult r = await RouteHarness.ApiRoute("api-new-format-execution-error.json");

        Assert.False(r.Success);
        Assert.Equal("ExecutionError", r.Error!.Name);
        Assert.Equal("NameError: name 'x' is not defined", r.Error.Value);
        Assert.Equal("", r.Error.Traceback);
        Assert.Equal("NameError: name 'x' is not defined", r.ErrorMessage);
        Assert.Equal(["before the error\n"], r.Logs.Stdout);
        Assert.Equal(2, r.Logs.Stderr.Count);
        Assert.Equal(4, r.ExecutionCount);
    }

    [Fact]
    public async Task Rich_format_reads_short_names_only()
    {
        EnhancedCodeExecutionResult r = await RouteHarness.ApiRoute("api-rich-format.json");

        Assert.True(r.Success);
        Assert.Equal(["rich out\n"], r.Logs.Stdout);
        Assert.Equal((9, 1.5), (r.ExecutionCount, r.ExecutionTime));
        Assert.Equal(("<Figure>", Png, false), (r.Results[0].Text, r.Results[0].Png, r.Results[0].IsMainResult));
        ExecutionResult all = r.Results[1];
        Assert.True(all.IsMainResult);
        Assert.Equal(("<table/>", "| a |", "<svg/>", "x^2", "/9j/"), (all.Html, all.Markdown, all.Svg, all.Latex, all.Jpeg));
        Assert.Equal("line", JsonData.ToElement(all.Chart).GetProperty("mark").GetString());
        Assert.Equal(JsonValueKind.Object, JsonData.ToElement(all.Json).ValueKind);
        Assert.Null(r.Results[2].Text);   // "text/plain" is not read in the rich format
    }

    [Fact]
    public async Task Rich_format_error_without_isError_is_still_a_success_as_in_the_sdk()
    {
        EnhancedCodeExecutionResult r = await RouteHarness.ApiRoute("api-rich-format-error-without-iserror.json");

        Assert.True(r.Success);
        Assert.Equal(("ZeroDivisionError", "division by zero"), (r.Error!.Name, r.Error.Value));
        Assert.StartsWith("Traceback", r.Error.Traceback);
        Assert.Equal("division by zero", r.ErrorMessage);
    }

    [Fact]
    public async Task Rich_format_error_without_name_or_value_is_an_UnknownError()
    {
        EnhancedCodeExecutionResult r = await RouteHarness.ApiRoute("api-rich-format-error-name-only.json");

        Assert.Equal("UnknownError", r.Error!.Name);
        Assert.Equal("UnknownError", r.ErrorMessage);
    }

    [Theory]
    [InlineData("api-legacy-format.json", "legacy plain output")]
    [InlineData("api-legacy-content-object.json", "inner legacy text")]
    [InlineData("api-plain-text.json", "just text, not JSON")]
    [InlineData("api-json-not-object.json", "[1, 2, 3]")]
    [InlineData("api-multiple-text-parts.json", "first part\nsecond part")]
    [InlineData("api-image-only.json", "aW1hZ2U=")]
    public async Task Text_answers_become_one_main_result_and_stdout(string recorded, string text)
    {
        EnhancedCodeExecutionResult r = await RouteHarness.ApiRoute(recorded);

        Assert.True(r.Success);
        ExecutionResult only = Assert.Single(r.Results);
        Assert.Equal((text, true), (only.Text, only.IsMainResult));
        Assert.Equal([text], r.Logs.Stdout);
    }

    [Fact]
    public async Task An_object_of_no_known_format_is_shown_as_text()
    {
        EnhancedCodeExecutionResult r = await RouteHarness.ApiRoute("api-unknown-object.json");

        Assert.True(r.Success);
        Assert.Contains("\"status\"", Assert.Single(r.Results).Text);
    }

    [Fact]
    public async Task Legacy_content_wrapping_a_new_format_payload_is_unwrapped()
    {
        EnhancedCodeExecutionResult r = await RouteHarness.ApiRoute("api-legacy-wrapped-new-format.json");

        Assert.True(r.Success);
        Assert.Equal(["from the wrapped payload\n"], r.Logs.Stdout);
        Assert.Equal("'unwrapped'", Assert.Single(r.Results).Text);
        Assert.Equal(1, r.ExecutionCount);
    }

    [Theory]
    [InlineData("api-legacy-no-content.json", "No content found in response")]
    [InlineData("api-is-error-payload.json", "Error in response: boom; Unknown error")]
    [InlineData("api-empty-text.json", "No data returned")]
    [InlineData("api-tool-error.json", "Execution failed: the kernel is gone")]
    public async Task Failed_answers_carry_the_reference_message_and_no_output(string recorded, string message)
    {
        EnhancedCodeExecutionResult r = await RouteHarness.ApiRoute(recorded);

        Assert.False(r.Success);
        Assert.Equal(message, r.ErrorMessage);
        Assert.Null(r.Error);
        Assert.Empty(r.Logs.Stdout);
        Assert.Empty(r.Results);
    }

    [Fact]
    public async Task An_envelope_failure_reports_the_envelope_message()
    {
        EnhancedCodeExecutionResult r = await RouteHarness.ApiRoute("api-envelope-failure.json", status: HttpStatusCode.InternalServerError);

        Assert.False(r.Success);
        Assert.Equal("Internal server error", r.ErrorMessage);
        Assert.Equal("req-fail", r.RequestId);
    }

    [Fact]
    public async Task A_session_the_endpoint_does_not_know_is_AgbSessionNotFound()
    {
        var e = await Assert.ThrowsAsync<AgbException>(() => RouteHarness.ApiRoute("api-session-not-found.json", status: HttpStatusCode.BadRequest));

        Assert.Equal(("AgbSessionNotFound", AgbErrorKind.NotFound), (e.ErrorId, e.Kind));
        Assert.Contains("session-abc", e.Message);
    }

    [Fact]
    public async Task Data_sent_as_a_JSON_string_is_decoded()
    {
        EnhancedCodeExecutionResult r = await RouteHarness.ApiRoute("api-data-as-string.json");

        Assert.Equal(["from a string data\n"], r.Logs.Stdout);
        Assert.Equal(2, r.ExecutionCount);
    }

    [Fact]
    public async Task The_observer_hears_an_HTTP_result_in_the_results_order()
    {
        var observer = new RecordingObserver();
        await RouteHarness.ApiRoute("api-new-format-execution-error.json", observer);

        Assert.Equal(
            ["stdout:before the error\n", "stderr:Traceback (most recent call last):\n", "stderr:NameError: name 'x' is not defined\n", "error:ExecutionError"],
            observer.Events);
    }

    [Fact]
    public async Task The_request_is_CallMcpTool_with_args_as_a_JSON_string()
    {
        StubHandler handler = StubHandler.FromRecorded("api-plain-text.json");
        await RouteHarness.ApiRoute(handler);

        (HttpRequestMessage request, string body) = Assert.Single(handler.Requests);
        Assert.Equal("https://agb.example.test/mcp?autoGenSession=false", request.RequestUri!.ToString());
        Assert.Equal("Bearer key-not-used", request.Headers.Authorization!.ToString());
        JsonElement json = JsonDocument.Parse(body).RootElement;
        Assert.Equal(("session-abc", "run_code"), (json.GetProperty("sessionId").GetString(), json.GetProperty("name").GetString()));
        JsonElement args = JsonDocument.Parse(json.GetProperty("args").GetString()!).RootElement;
        Assert.Equal(("print(1)", "python", 60), (args.GetProperty("code").GetString(), args.GetProperty("language").GetString(), args.GetProperty("timeout_s").GetInt32()));
    }
}
