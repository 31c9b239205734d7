using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AgbCode.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AgbCode.Server.Tests;

/// <summary>
/// The SDKs' file transfer (agb-tools.md §4): a session's internal file_transfer context, the signed upload and download
/// URLs this server serves itself, SyncContext and GetContextInfo, each in the shape the SDKs read; and the URLs' rules:
/// expiry, another file, another method, the upload cap, and the tenant matrix.
/// </summary>
public sealed class ContextTransferTests : IAsyncLifetime
{
    private readonly ManualClock _clock = new();
    private TestServer _server = null!;
    private string _sessionId = "";

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(services => services.AddSingleton<TimeProvider>(_clock),
            ("CONTEXT_URL_TTL_SEC", "60"), ("CONTEXT_UPLOAD_MAX_BYTES", "4096"));
        _sessionId = (await _server.CreateSessionAsync())["sessionId"]!.GetValue<string>();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task GetAndLoadInternalContext_names_the_session_s_file_transfer_context_as_the_SDKs_read_it()
    {
        Answer answer = await _server.PostAsync($"/sdk/GetAndLoadInternalContext?sessionId={_sessionId}&contextTypes=%5B%22file_transfer%22%5D", "");

        Assert.True(answer.Success, answer.Text);
        JsonObject item = Assert.Single(answer.Data!.AsArray())!.AsObject();
        Assert.Equal("file_transfer", item["contextType"]!.GetValue<string>());
        Assert.NotEmpty(item["contextId"]!.GetValue<string>());
        Assert.StartsWith("/", item["contextPath"]!.GetValue<string>());
    }

    [Fact]
    public async Task Upload_then_download_through_signed_URLs_is_byte_exact_at_any_absolute_path()
    {
        string contextId = await TransferContextAsync();
        byte[] bytes = [.. Enumerable.Range(0, 256).Select(i => (byte)i), .. Enumerable.Range(0, 256).Select(i => (byte)(255 - i))];

        JsonObject upload = await UrlAsync("GetContextFileUploadUrl", contextId, "/tmp/test_binary.dat");
        Assert.IsType<long>(upload["expireTime"]!.GetValue<long>());
        Assert.DoesNotContain(TestServer.KeyA, upload["url"]!.GetValue<string>());
        using (HttpResponseMessage put = await PutAsync(upload["url"]!.GetValue<string>(), bytes))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Answer sync = await _server.PostAsync($"/sdk/SyncContext?sessionId={_sessionId}&contextId={contextId}&path=/tmp&mode=download", "");
        Assert.True(sync.Success, sync.Text);
        Assert.NotEmpty(sync.Json!["requestId"]!.GetValue<string>());
        JsonObject task = Assert.Single(await ContextStatusAsync(contextId, "/tmp", "download"))!.AsObject();
        Assert.Equal("Success", task["status"]!.GetValue<string>());
        Assert.Equal("", task["errorMessage"]!.GetValue<string>());

        // the session sees the bytes at the path it was given, and the download URL gives them back exactly
        string base64 = await new ToolCaller(_server, _sessionId, "", "").OkAsync("read_file",
            new JsonObject { ["path"] = "/tmp/test_binary.dat", ["offset"] = 0, ["length"] = 0, ["format"] = "binary" });
        Assert.Equal(bytes, Convert.FromBase64String(base64));
        JsonObject download = await UrlAsync("GetContextFileDownloadUrl", contextId, "/tmp/test_binary.dat");
        using HttpResponseMessage got = await _server.Http.GetAsync(download["url"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        Assert.Equal(bytes, await got.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task GetContextInfo_answers_contextStatus_as_a_JSON_string_holding_a_JSON_string()
    {
        string contextId = await TransferContextAsync();
        await _server.PostAsync($"/sdk/SyncContext?sessionId={_sessionId}&contextId={contextId}&path=/tmp/&mode=upload", "");
        await _server.PostAsync($"/sdk/SyncContext?sessionId={_sessionId}&contextId=not-mounted-here&path=/data&mode=upload", "");

        Answer info = await _server.GetAsync($"/sdk/GetContextInfo?sessionId={_sessionId}");
        JsonArray outer = JsonNode.Parse(info.Data!["contextStatus"]!.GetValue<string>())!.AsArray();
        JsonObject wrapper = Assert.Single(outer)!.AsObject();
        Assert.Equal("data", wrapper["type"]!.GetValue<string>());
        JsonArray tasks = JsonNode.Parse(wrapper["data"]!.GetValue<string>())!.AsArray();
        Assert.Equal(["Success", "Failed"], tasks.Select(t => t!["status"]!.GetValue<string>()));
        Assert.Equal("/tmp", tasks[0]!["path"]!.GetValue<string>());   // the parent folder, without a trailing '/', as FileTransfer matches it
        Assert.Contains("not mounted", tasks[1]!["errorMessage"]!.GetValue<string>());
        foreach (string field in new[] { "contextId", "path", "status", "taskType", "errorMessage", "startTime", "finishTime" })
            Assert.NotNull(tasks[0]![field]);
    }

    [Fact]
    public async Task A_signed_URL_is_refused_after_it_expires_for_another_file_and_for_another_method()
    {
        string contextId = await TransferContextAsync();
        string upload = (await UrlAsync("GetContextFileUploadUrl", contextId, "/tmp/a.txt"))["url"]!.GetValue<string>();
        string other = (await UrlAsync("GetContextFileUploadUrl", contextId, "/tmp/b.txt"))["url"]!.GetValue<string>();

        // another method: an upload URL does not read
        Assert.Equal("SignedUrl.WrongMethod", (await RefusalAsync(_server.Http.GetAsync(upload), 403)));
        // another file: a.txt's signature on b.txt's grant
        string forged = Token(other).Split('.')[0] + "." + Token(upload).Split('.')[1];
        Assert.Equal("SignedUrl.Invalid", await RefusalAsync(PutAsync(upload.Replace(Token(upload), forged), [1]), 403));
        // expiry: the clock passes the URL's lifetime (60 s here)
        using (HttpResponseMessage fresh = await PutAsync(upload, [1, 2, 3]))
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        _clock.Advance(TimeSpan.FromSeconds(61));
        string expired = await RefusalBodyAsync(PutAsync(upload, [1, 2, 3]), 403);
        Assert.Contains("SignedUrl.Expired", expired);
        Assert.Contains("AGBCODE_CONTEXT_URL_TTL_SEC", expired);
    }

    [Fact]
    public async Task An_upload_over_the_cap_is_refused_naming_the_cap_and_its_setting_and_writes_nothing()
    {
        string contextId = await TransferContextAsync();
        string upload = (await UrlAsync("GetContextFileUploadUrl", contextId, "/tmp/big.bin"))["url"]!.GetValue<string>();

        string refusal = await RefusalBodyAsync(PutAsync(upload, new byte[4097]), 413);

        Assert.Contains("4 KiB", refusal);
        Assert.Contains("AGBCODE_CONTEXT_UPLOAD_MAX_BYTES", refusal);
        ToolReply info = await new ToolCaller(_server, _sessionId, "", "").CallAsync("get_file_info", new JsonObject { ["path"] = "/tmp/big.bin" });
        Assert.True(info.IsError);
    }

    [Fact]
    public async Task Another_tenant_s_session_has_no_transfer_context_and_anonymous_callers_are_refused()
    {
        string contextId = await TransferContextAsync();

        Answer theirs = await _server.PostAsync($"/sdk/GetContextFileUploadUrl?contextId={contextId}&filePath=/tmp/x", "", key: TestServer.KeyB);
        Answer missing = await _server.PostAsync($"/sdk/GetContextFileUploadUrl?contextId=file-transfer-session-test1-0000000000000000&filePath=/tmp/x", "", key: TestServer.KeyB);
        Assert.Equal(missing.Status, theirs.Status);
        Assert.Equal("AgbContextNotFound", theirs.Code);
        Assert.Equal(missing.Message!.Replace("file-transfer-session-test1-0000000000000000", contextId), theirs.Message);
        Answer internalOfTheirs = await _server.PostAsync($"/sdk/GetAndLoadInternalContext?sessionId={_sessionId}&contextTypes=%5B%22file_transfer%22%5D", "", key: TestServer.KeyB);
        Assert.Equal("InvalidMcpSession.NotFound", internalOfTheirs.Code);

        foreach (string path in new[] { "/sdk/ListContexts", "/sdk/GetContext?name=x" })
            Assert.Equal(401, (await _server.GetAsync(path, key: null)).Status);
        foreach (string path in new[] { $"/sdk/GetContextFileUploadUrl?contextId={contextId}&filePath=/tmp/x", $"/sdk/GetAndLoadInternalContext?sessionId={_sessionId}", "/sdk/DeleteContext?id=x" })
            Assert.Equal(401, (await _server.PostAsync(path, "", key: null)).Status);
    }

    [Fact]
    public async Task The_transfer_context_goes_with_its_session()
    {
        string sessionId = (await _server.CreateSessionAsync())["sessionId"]!.GetValue<string>();
        Answer loaded = await _server.PostAsync($"/sdk/GetAndLoadInternalContext?sessionId={sessionId}", "");
        string contextId = loaded.Data![0]!["contextId"]!.GetValue<string>();
        string url = (await UrlAsync("GetContextFileUploadUrl", contextId, "/tmp/x"))["url"]!.GetValue<string>();

        await _server.DeleteSessionAsync(sessionId);

        Assert.Equal("AgbContextNotFound", await RefusalAsync(PutAsync(url, [1]), 400));
        Assert.Equal("AgbContextNotFound", (await _server.PostAsync($"/sdk/GetContextFileDownloadUrl?contextId={contextId}&filePath=/tmp/x", "")).Code);
    }

    private async Task<string> TransferContextAsync()
    {
        Answer answer = await _server.PostAsync($"/sdk/GetAndLoadInternalContext?sessionId={_sessionId}&contextTypes=%5B%22file_transfer%22%5D", "");
        return answer.Data![0]!["contextId"]!.GetValue<string>();
    }

    private async Task<JsonObject> UrlAsync(string operation, string contextId, string filePath)
    {
        Answer answer = await _server.PostAsync($"/sdk/{operation}?contextId={Uri.EscapeDataString(contextId)}&filePath={Uri.EscapeDataString(filePath)}", "");
        Assert.True(answer.Success, answer.Text);
        return answer.Data!.AsObject();
    }

    private async Task<JsonArray> ContextStatusAsync(string contextId, string path, string taskType)
    {
        Answer info = await _server.GetAsync($"/sdk/GetContextInfo?sessionId={_sessionId}&contextId={contextId}&path={path}&taskType={taskType}");
        Assert.True(info.Success, info.Text);
        JsonArray outer = JsonNode.Parse(info.Data!["contextStatus"]!.GetValue<string>())!.AsArray();
        return JsonNode.Parse(outer[0]!["data"]!.GetValue<string>())!.AsArray();
    }

    private Task<HttpResponseMessage> PutAsync(string url, byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return _server.Http.PutAsync(url, content);
    }

    private static string Token(string url) => Uri.UnescapeDataString(new Uri(url).Query.Split("token=")[1]);

    private static async Task<string> RefusalAsync(Task<HttpResponseMessage> sent, int status) =>
        JsonNode.Parse(await RefusalBodyAsync(sent, status))!["code"]!.GetValue<string>();

    private static async Task<string> RefusalBodyAsync(Task<HttpResponseMessage> sent, int status)
    {
        using HttpResponseMessage response = await sent;
        string body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, body);
        return body;
    }
}
