using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AgbCode.Server.Tests.Support;

namespace AgbCode.Server.Tests;

/// <summary>
/// Three real instances with peers configured: placement, forwarding of every session route (streaming included), one
/// merged ListSession, and tenants kept apart across instances. One cluster for the class; the tests run in turn.
/// </summary>
public sealed class ClusterTests(TestCluster cluster) : IClassFixture<TestCluster>
{
    private TestServer Alpha => cluster["alpha"];
    private TestServer Beta => cluster["beta"];
    private TestServer Gamma => cluster["gamma"];

    [Fact]
    public async Task Sessions_created_through_one_instance_spread_to_the_least_loaded_and_every_route_reaches_them_from_any_instance()
    {
        string[] ids = new string[3];
        for (int i = 0; i < ids.Length; i++)
            ids[i] = TestCluster.Id(await Alpha.CreateSessionAsync(body: new JsonObject { ["labels"] = "{\"test\":\"spread\"}" }));
        try
        {
            // each instance holds one: an idle tie stays local, then the emptier peers are chosen
            Assert.Equal(["alpha", "beta", "gamma"], ids.Select(TestCluster.OwnerOf).Order().ToArray());
            string onGamma = ids.Single(id => TestCluster.OwnerOf(id) == "gamma");

            // run_code on the API route through a non-owner keeps the session's state (the owner runs it)
            await Beta.RunAsync(onGamma, "x = 41");
            var (payload, _) = await Alpha.RunAsync(onGamma, "print(x + 1)");
            Assert.Equal(["42\n"], payload["stdout"]!.AsArray().Select(s => s!.GetValue<string>()));

            // GetSession through a non-owner: the links name the owner's own URL, whose token works there
            Answer got = await Alpha.PostAsync("/mcp/getSession", new JsonObject { ["sessionId"] = onGamma });
            Assert.Equal(200, got.Status);
            Assert.StartsWith($"{Gamma.BaseUrl}/link/{onGamma}", got.Data!["linkUrl"]!.GetValue<string>());
            Assert.Equal("gamma", got.Data!["appInstanceId"]!.GetValue<string>());
            string token = got.Data!["token"]!.GetValue<string>();

            // the LinkUrl route and the WebSocket stream, called on a non-owner, are relayed to the owner
            Answer linked = await Beta.PostAsync($"/link/{onGamma}/callTool",
                new JsonObject { ["tool"] = "run_code", ["args"] = new JsonObject { ["code"] = "print(x * 2)", ["language"] = "python" } },
                key: null, headers: new Dictionary<string, string> { ["X-Access-Token"] = token });
            Assert.Equal(200, linked.Status);
            Assert.Contains("82", linked.Data!["result"]!["content"]![0]!["text"]!.GetValue<string>());
            await using (StreamClient stream = await StreamClient.ConnectAsync($"{Beta.BaseUrl.Replace("http://", "ws://")}/ws/{onGamma}", token))
            {
                var frames = await stream.CollectAsync(await stream.RunAsync("print('streamed', x)"));
                Assert.Contains(frames, f => f.Frame["data"]?["chunk"]?.GetValue<string>() == "streamed 41\n");
                Assert.Equal("end", frames[^1].Frame["data"]!["phase"]!.GetValue<string>());
            }
            Assert.Equal(401, await StreamClient.RefusedStatusAsync($"{Beta.BaseUrl.Replace("http://", "ws://")}/ws/{onGamma}", "wrong-token"));

            // labels set through one instance are read through another
            Assert.Equal(200, (await Beta.PostAsync($"/sdk/SetLabel?sessionId={onGamma}&Labels={Uri.EscapeDataString("{\"stage\":\"two\"}")}")).Status);
            Answer labels = await Alpha.GetAsync($"/sdk/GetLabel?sessionId={onGamma}");
            Assert.Equal("{\"stage\":\"two\"}", labels.Data!["labels"]!.GetValue<string>());
        }
        finally
        {
            // delete through instances that do not hold them
            foreach (string id in ids)
                await (TestCluster.OwnerOf(id) == "alpha" ? Beta : Alpha).DeleteSessionAsync(id);
        }
        Answer gone = await Beta.PostAsync("/mcp/getSession", new JsonObject { ["sessionId"] = ids[0] });
        Assert.Equal("InvalidMcpSession.NotFound", gone.Code);
    }

    [Fact]
    public async Task ListSession_through_any_instance_pages_every_instance_s_sessions_exactly_once_with_an_exact_count()
    {
        var mine = new List<string>();
        for (int i = 0; i < 7; i++)
            mine.Add(TestCluster.Id(await cluster[TestCluster.Ids[i % 3]].CreateSessionAsync(
                body: new JsonObject { ["labels"] = i % 2 == 0 ? "{\"test\":\"list\",\"even\":\"yes\"}" : "{\"test\":\"list\"}" })));
        string other = TestCluster.Id(await Gamma.CreateSessionAsync(TestServer.KeyB, new JsonObject { ["labels"] = "{\"test\":\"list\"}" }));
        try
        {
            Assert.True(mine.Select(TestCluster.OwnerOf).Distinct().Count() >= 2, string.Join(",", mine));
            foreach (TestServer through in new[] { Alpha, Beta, Gamma })
            {
                var seen = new List<string>();
                string next = "";
                int? count = null;
                do
                {
                    Answer page = await through.GetAsync($"/sdk/ListSession?maxResults=2&labels={Uri.EscapeDataString("{\"test\":\"list\"}")}&nextToken={next}");
                    Assert.Equal(200, page.Status);
                    count ??= page.Json!["count"]!.GetValue<int>();
                    Assert.Equal(count, page.Json!["count"]!.GetValue<int>());
                    seen.AddRange(page.Data!.AsArray().Select(s => s!["sessionId"]!.GetValue<string>()));
                    next = page.Json!["nextToken"]!.GetValue<string>();
                } while (next != "");
                Assert.Equal(mine.Order(), seen.Order());   // all of tenant A's, none twice, none of tenant B's
                Assert.Equal(7, count);

                Answer even = await through.GetAsync($"/sdk/ListSession?labels={Uri.EscapeDataString("{\"even\":\"yes\"}")}");
                Assert.Equal(4, even.Json!["count"]!.GetValue<int>());
            }
            Answer theirs = await Alpha.GetAsync("/sdk/ListSession", TestServer.KeyB);
            Assert.Equal([other], theirs.Data!.AsArray().Select(s => s!["sessionId"]!.GetValue<string>()).ToArray());
        }
        finally
        {
            foreach (string id in mine)
                await Alpha.DeleteSessionAsync(id);
            await Alpha.DeleteSessionAsync(other, TestServer.KeyB);
        }
    }

    [Fact]
    public async Task A_relayed_client_that_never_answers_the_owner_s_close_is_let_go()
    {
        string id = TestCluster.Id(await Alpha.CreateSessionAsync());
        TestServer relay = TestCluster.OwnerOf(id) == "beta" ? Gamma : Beta;
        string token = (await relay.PostAsync("/mcp/getSession", new JsonObject { ["sessionId"] = id })).Data!["token"]!.GetValue<string>();
        await using StreamClient silent = await StreamClient.ConnectAsync($"{relay.BaseUrl.Replace("http://", "ws://")}/ws/{id}", token, read: false);
        Assert.Equal(1, await RelayedSocketsAsync(relay));

        await Alpha.DeleteSessionAsync(id);
        await silent.RunAsync("1");   // refused for a released session, and the owner closes; this client reads nothing, so never answers
        // the relay gives the answer the owner's own wait (5 s); this bound only ends a broken test
        await Eventually.TrueAsync(async () => await RelayedSocketsAsync(relay) == 0, 60, "the relay let go of the silent client");
    }

    private static async Task<int> RelayedSocketsAsync(TestServer server)
    {
        string metrics = await server.Http.GetStringAsync("/metrics");
        string line = metrics.Split('\n').Single(l => l.StartsWith("agbcode_relayed_websockets ", StringComparison.Ordinal));
        return int.Parse(line["agbcode_relayed_websockets ".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_mounted_context_names_its_session_by_the_API_id_through_every_instance_and_in_a_refusal()
    {
        string name = "cluster-" + Guid.NewGuid().ToString("N")[..12];
        string contextId = (await Alpha.GetAsync($"/sdk/GetContext?name={name}&allowCreate=true")).Data!["id"]!.GetValue<string>();
        var mount = new JsonObject { ["persistenceDataList"] = new JsonArray(new JsonObject { ["contextId"] = contextId, ["path"] = "/contexts/data", ["policy"] = "{}" }) };
        string id = TestCluster.Id(await Beta.CreateSessionAsync(body: mount));
        try
        {
            foreach (TestServer through in new[] { Alpha, Beta, Gamma })   // the instances share one engine state folder here
                Assert.Equal(id, (await through.GetAsync($"/sdk/GetContext?id={contextId}")).Data![AgbCode.Core.Contexts.ContextInfo.MountedByWireField]!.GetValue<string>());
            Answer second = await Gamma.PostAsync("/mcp/createSession?imageId=agb-code-space-1", mount);
            Assert.Equal("AgbContextInUse", second.Code);
            Assert.Contains(id, second.Message);
        }
        finally
        {
            await Alpha.DeleteSessionAsync(id);
            Assert.True((await Alpha.PostAsync($"/sdk/DeleteContext?id={contextId}", "")).Success);
        }
    }

    [Fact]
    public async Task Another_tenant_gets_not_found_through_any_instance_and_a_tenant_header_needs_the_peer_secret()
    {
        string id = TestCluster.Id(await Alpha.CreateSessionAsync());
        try
        {
            string owner = TestCluster.OwnerOf(id);
            foreach (TestServer through in new[] { Alpha, Beta, Gamma })
            {
                Answer refused = await through.PostAsync("/mcp/getSession", new JsonObject { ["sessionId"] = id }, TestServer.KeyB);
                Assert.Equal("InvalidMcpSession.NotFound", refused.Code);
            }
            TestServer elsewhere = owner == "alpha" ? Beta : Alpha;

            // a client that claims tenant A with tenant B's key, without the secret or with a wrong one, is refused
            foreach (var headers in new[]
                     {
                         new Dictionary<string, string> { ["X-AgbCode-Tenant"] = "tenant-a" },
                         new Dictionary<string, string> { ["X-AgbCode-Tenant"] = "tenant-a", ["X-AgbCode-Peer-Secret"] = "not-the-secret-0123456789abcdef0123" },
                     })
            {
                Answer forged = await elsewhere.PostAsync("/mcp/getSession", new JsonObject { ["sessionId"] = id }, TestServer.KeyB, headers);
                Assert.Equal(401, forged.Status);
            }
            // the peer routes are the instances' only
            Assert.Equal(401, (await Alpha.GetAsync("/agbcode/cluster/status")).Status);
            using var withSecret = new HttpRequestMessage(HttpMethod.Get, "/agbcode/cluster/status");
            withSecret.Headers.Add("X-AgbCode-Peer-Secret", TestCluster.Secret);
            using HttpResponseMessage status = await Alpha.Http.SendAsync(withSecret);
            Assert.Equal("alpha", JsonNode.Parse(await status.Content.ReadAsStringAsync())!["data"]!["instanceId"]!.GetValue<string>());
        }
        finally
        {
            await Alpha.DeleteSessionAsync(id);
        }
    }
}

/// <summary>An instance that stops: only its sessions go, they answer not-found naming it, and new sessions avoid it.</summary>
public sealed class ClusterFailureTests : IAsyncLifetime
{
    private readonly TestCluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task Sessions_of_a_stopped_instance_answer_not_found_naming_it_and_the_others_keep_working()
    {
        TestServer alpha = _cluster["alpha"];
        var ids = new List<string>();
        for (int i = 0; i < 3; i++)
            ids.Add(TestCluster.Id(await alpha.CreateSessionAsync()));
        string onGamma = ids.Single(id => TestCluster.OwnerOf(id) == "gamma");
        string onBeta = ids.Single(id => TestCluster.OwnerOf(id) == "beta");
        await alpha.RunAsync(onBeta, "kept = 'yes'");

        await _cluster.StopAsync("gamma");

        Answer lost = await alpha.PostAsync("/mcp?autoGenSession=false",
            new JsonObject { ["sessionId"] = onGamma, ["name"] = "run_code", ["args"] = "{\"code\":\"1\",\"language\":\"python\"}" });
        Assert.Equal(400, lost.Status);
        Assert.Equal("InvalidMcpSession.NotFound", lost.Code);
        Assert.Contains("instance 'gamma'", lost.Message);

        var (payload, _) = await alpha.RunAsync(onBeta, "print(kept)");
        Assert.Equal(["yes\n"], payload["stdout"]!.AsArray().Select(s => s!.GetValue<string>()));
        Answer listed = await _cluster["beta"].GetAsync("/sdk/ListSession");
        Assert.Equal(ids.Where(id => id != onGamma).Order(), listed.Data!.AsArray().Select(s => s!["sessionId"]!.GetValue<string>()).Order());

        // placement skips the instance that does not answer: creating still works, on a live instance
        string placed = TestCluster.Id(await alpha.CreateSessionAsync());
        Assert.NotEqual("gamma", TestCluster.OwnerOf(placed));
        Assert.Equal(200, (await _cluster["beta"].PostAsync("/mcp/getSession", new JsonObject { ["sessionId"] = placed })).Status);
    }
}
