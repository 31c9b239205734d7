using System.Net;
using System.Text.Json.Nodes;
using AgbCode.Server.Tests.Support;

namespace AgbCode.Server.Tests;

/// <summary>
/// agb.context.* against a real server and the engine's store (agb-tools.md §5): every call's shape as the SDKs read
/// it, persistence across sessions through persistenceDataList, and the tenant matrix. Each test makes its own contexts
/// under a unique name and removes them.
/// </summary>
[Collection(SharedServerCollection.Name)]
public sealed class ContextApiTests(SharedServer shared) : IAsyncLifetime
{
    private readonly List<string> _made = [];
    private TestServer Server => shared.Server;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (string id in _made)
            await Server.PostAsync($"/sdk/DeleteContext?id={id}", "");
    }

    [Fact]
    public async Task GetContext_with_allowCreate_makes_it_and_answers_its_fields_and_without_it_a_missing_one_is_not_found()
    {
        string name = NewName();
        Answer missing = await Server.GetAsync($"/sdk/GetContext?name={name}&allowCreate=false");
        Assert.Equal(400, missing.Status);
        Assert.Equal("AgbContextNotFound", missing.Code);

        JsonObject made = await CreateAsync(name);
        Assert.Equal(["agbcodeSizeBytes", "agbcodeUsedBytes", "createTime", "id", "lastUsedTime", "name", "state"], made.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(name, made["name"]!.GetValue<string>());
        Assert.Equal("available", made["state"]!.GetValue<string>());
        Assert.True(DateTimeOffset.TryParse(made["createTime"]!.GetValue<string>(), out _));

        Answer byId = await Server.GetAsync($"/sdk/GetContext?id={made["id"]}");
        Assert.Equal(made.ToJsonString(), byId.Data!.ToJsonString());
        Answer again = await Server.GetAsync($"/sdk/GetContext?name={name}&allowCreate=true");   // an existing name is found, not made twice
        Assert.Equal(made["id"]!.GetValue<string>(), again.Data!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListContexts_answers_an_array_of_at_most_maxResults_newest_first_with_paging_fields_on_top()
    {
        string[] ids = [(await CreateAsync(NewName()))["id"]!.GetValue<string>(), (await CreateAsync(NewName()))["id"]!.GetValue<string>(),
            (await CreateAsync(NewName()))["id"]!.GetValue<string>()];

        Answer one = await Server.GetAsync("/sdk/ListContexts?maxResults=1");
        Assert.True(one.Success, one.Text);
        Assert.Equal(ids[2], Assert.Single(one.Data!.AsArray())!["id"]!.GetValue<string>());   // the newest
        Assert.Equal(1, one.Json!["maxResults"]!.GetValue<int>());
        Assert.True(one.Json["totalCount"]!.GetValue<int>() >= 3);
        Answer next = await Server.GetAsync($"/sdk/ListContexts?maxResults=2&nextToken={one.Json["nextToken"]}");
        Assert.Equal([ids[1], ids[0]], next.Data!.AsArray().Select(c => c!["id"]!.GetValue<string>()));
        JsonArray all = (await Server.GetAsync("/sdk/ListContexts?maxResults=50")).Data!.AsArray();
        Assert.Subset(all.Select(c => c!["id"]!.GetValue<string>()).ToHashSet(), ids.ToHashSet());
        foreach (JsonNode? context in all)
            Assert.NotNull(context!["createTime"]);
    }

    [Fact]
    public async Task ModifyContext_refuses_a_rename_and_keeps_the_name()
    {
        JsonObject made = await CreateAsync(NewName());

        Answer rename = await Server.PostAsync($"/sdk/ModifyContext?id={made["id"]}&name={NewName()}", "");
        Assert.Equal(400, rename.Status);
        Assert.Equal("InvalidAction.NotSupported", rename.Code);
        Assert.Contains("cannot be renamed", rename.Message);
        Assert.True((await Server.PostAsync($"/sdk/ModifyContext?id={made["id"]}&name={made["name"]}", "")).Success);
        Assert.Equal(made["name"]!.GetValue<string>(), (await Server.GetAsync($"/sdk/GetContext?id={made["id"]}")).Data!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_file_written_through_a_context_in_one_session_is_there_in_the_next_and_deleting_a_mounted_context_is_refused()
    {
        string id = (await CreateAsync(NewName()))["id"]!.GetValue<string>();
        var mount = new JsonObject { ["persistenceDataList"] = new JsonArray(new JsonObject { ["contextId"] = id, ["path"] = "/contexts/data", ["policy"] = "{}" }) };

        string first = (await Server.CreateSessionAsync(body: mount))["sessionId"]!.GetValue<string>();
        await Server.RunAsync(first, "open('/contexts/data/kept.txt', 'w').write('from the first session')");
        JsonArray status = ContextStatus(await Server.GetAsync($"/sdk/GetContextInfo?sessionId={first}"));
        Assert.Equal("Success", Assert.Single(status)!["status"]!.GetValue<string>());
        Assert.True((await Server.PostAsync($"/sdk/SyncContext?sessionId={first}", "")).Success);   // sync() without arguments: every mount
        JsonArray synced = ContextStatus(await Server.GetAsync($"/sdk/GetContextInfo?sessionId={first}&taskType=upload"));
        Assert.Equal((id, "/contexts/data", "Success"), (synced[0]!["contextId"]!.GetValue<string>(), synced[0]!["path"]!.GetValue<string>(), synced[0]!["status"]!.GetValue<string>()));
        JsonNode held = (await Server.GetAsync($"/sdk/GetContext?id={id}")).Data!;
        Assert.Equal(("in-use", first), (held["state"]!.GetValue<string>(), held[AgbCode.Core.Contexts.ContextInfo.MountedByWireField]!.GetValue<string>()));
        Answer inUse = await Server.PostAsync($"/sdk/DeleteContext?id={id}", "");
        Assert.Equal(409, inUse.Status);
        Assert.Equal("AgbContextInUse", inUse.Code);
        await Server.DeleteSessionAsync(first);
        JsonNode released = (await Server.GetAsync($"/sdk/GetContext?id={id}")).Data!;
        Assert.InRange(released[AgbCode.Core.Contexts.ContextInfo.UsedBytesWireField]!.GetValue<long>(), 1, 1L << 20);   // kept.txt, measured as it was let go
        Assert.True(released[AgbCode.Core.Contexts.ContextInfo.SizeBytesWireField]!.GetValue<long>() >= 8L << 20);

        string second = (await Server.CreateSessionAsync(body: mount))["sessionId"]!.GetValue<string>();
        (JsonObject payload, _) = await Server.RunAsync(second, "print(open('/contexts/data/kept.txt').read())");
        Assert.Equal("from the first session\n", string.Concat(payload["stdout"]!.AsArray().Select(s => s!.GetValue<string>())));
        await Server.DeleteSessionAsync(second);
    }

    [Fact]
    public async Task Context_files_are_listed_read_and_removed_through_the_API_and_signed_URLs_whether_mounted_or_not()
    {
        string id = (await CreateAsync(NewName()))["id"]!.GetValue<string>();
        byte[] bytes = [.. Enumerable.Range(0, 256).Select(i => (byte)i)];

        await PutAsync(await UrlAsync("GetContextFileUploadUrl", id, "/tmp/one.bin"), bytes);   // not mounted: through the store
        Answer listed = await Server.PostAsync($"/sdk/DescribeContextFiles?contextId={id}&parentFolderPath=/tmp&pageNumber=1&pageSize=50", "");
        Assert.True(listed.Success, listed.Text);
        Assert.Equal(1, listed.Json!["count"]!.GetValue<int>());
        JsonObject file = Assert.Single(listed.Data!.AsArray())!.AsObject();
        Assert.Equal(["fileId", "fileName", "filePath", "fileType", "gmtCreate", "gmtModified", "size", "status"], file.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(("one.bin", "/tmp/one.bin", "file", 256L),
            (file["fileName"]!.GetValue<string>(), file["filePath"]!.GetValue<string>(), file["fileType"]!.GetValue<string>(), file["size"]!.GetValue<long>()));

        // mounted: the same URL calls reach the context through the session, which sees the upload at once
        var mount = new JsonObject { ["persistenceDataList"] = new JsonArray(new JsonObject { ["contextId"] = id, ["path"] = "/contexts/files" }) };
        string session = (await Server.CreateSessionAsync(body: mount))["sessionId"]!.GetValue<string>();
        await PutAsync(await UrlAsync("GetContextFileUploadUrl", id, "/two.bin"), bytes);
        (JsonObject seen, _) = await Server.RunAsync(session, "print(list(open('/contexts/files/two.bin','rb').read()) == list(range(256)))");
        Assert.Equal("True\n", seen["stdout"]![0]!.GetValue<string>());
        using (HttpResponseMessage got = await Server.Http.GetAsync(await UrlAsync("GetContextFileDownloadUrl", id, "/tmp/one.bin")))
            Assert.Equal(bytes, await got.Content.ReadAsByteArrayAsync());
        Assert.True((await Server.PostAsync($"/sdk/DeleteContextFile?contextId={id}&filePath=/two.bin", "")).Success);
        (JsonObject gone, _) = await Server.RunAsync(session, "import os; print(os.path.exists('/contexts/files/two.bin'))");
        Assert.Equal("False\n", gone["stdout"]![0]!.GetValue<string>());
        await Server.DeleteSessionAsync(session);

        Answer cleared = await Server.PostAsync($"/sdk/ClearContext?id={id}", "");
        Assert.True(cleared.Success, cleared.Text);
        Assert.Equal(0, (await Server.PostAsync($"/sdk/DescribeContextFiles?contextId={id}&parentFolderPath=/", "")).Json!["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Another_tenant_s_context_answers_exactly_as_a_missing_one_and_cannot_be_mounted()
    {
        string id = (await CreateAsync(NewName()))["id"]!.GetValue<string>();
        const string Missing = "ctx-does-not-exist";

        foreach (string path in new[] { "/sdk/GetContext?id={0}" })
            AssertSameRefusal(await Server.GetAsync(string.Format(path, Missing), TestServer.KeyB), await Server.GetAsync(string.Format(path, id), TestServer.KeyB), id, Missing);
        foreach (string path in new[] { "/sdk/DeleteContext?id={0}", "/sdk/ClearContext?id={0}", "/sdk/DescribeContextFiles?contextId={0}",
                     "/sdk/GetContextFileUploadUrl?contextId={0}&filePath=/x", "/sdk/DeleteContextFile?contextId={0}&filePath=/x" })
            AssertSameRefusal(await Server.PostAsync(string.Format(path, Missing), "", TestServer.KeyB), await Server.PostAsync(string.Format(path, id), "", TestServer.KeyB), id, Missing);
        Answer mounted = await Server.PostAsync("/mcp/createSession?imageId=agb-code-space-1",
            new JsonObject { ["persistenceDataList"] = new JsonArray(new JsonObject { ["contextId"] = id, ["path"] = "/contexts/theirs" }) }, TestServer.KeyB);
        Assert.Equal("AgbContextNotFound", mounted.Code);
        Assert.DoesNotContain(id, (await Server.GetAsync("/sdk/ListContexts?maxResults=100", TestServer.KeyB)).Text);
        Assert.Equal("available", (await Server.GetAsync($"/sdk/GetContext?id={id}")).Data!["state"]!.GetValue<string>());   // untouched
    }

    private static void AssertSameRefusal(Answer missing, Answer theirs, string id, string missingId)
    {
        Assert.Equal(missing.Status, theirs.Status);
        Assert.Equal("AgbContextNotFound", theirs.Code);
        Assert.Equal(missing.Message!.Replace(missingId, id), theirs.Message);
    }

    private static string NewName() => "ctxt-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<JsonObject> CreateAsync(string name)
    {
        Answer made = await Server.GetAsync($"/sdk/GetContext?name={name}&allowCreate=true");
        Assert.True(made.Success, made.Text);
        _made.Add(made.Data!["id"]!.GetValue<string>());
        return made.Data!.AsObject();
    }

    private async Task<string> UrlAsync(string operation, string id, string filePath)
    {
        Answer answer = await Server.PostAsync($"/sdk/{operation}?contextId={id}&filePath={Uri.EscapeDataString(filePath)}", "");
        Assert.True(answer.Success, answer.Text);
        return answer.Data!["url"]!.GetValue<string>();
    }

    private async Task PutAsync(string url, byte[] bytes)
    {
        using HttpResponseMessage put = await Server.Http.PutAsync(url, new ByteArrayContent(bytes));
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
    }

    private static JsonArray ContextStatus(Answer info)
    {
        JsonArray outer = JsonNode.Parse(info.Data!["contextStatus"]!.GetValue<string>())!.AsArray();
        return JsonNode.Parse(outer[0]!["data"]!.GetValue<string>())!.AsArray();
    }
}
