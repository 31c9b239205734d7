using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using AgbCode.Client;
using AgbCode.Core.Errors;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Server.Config;
using AgbCode.Server.Tests.Support;

namespace AgbCode.Server.Tests;

/// <summary>
/// One real server on TCP (API keys) and on a local Unix socket (peer credentials), called by the test process (root)
/// and, through a relay running as a throwaway user, by another uid; a third user outside the socket's group.
/// </summary>
public sealed class LocalSocketFixture : IAsyncLifetime
{
    public LocalUser Member { get; private set; } = null!;
    public LocalUser Outsider { get; private set; } = null!;
    public string Group { get; private set; } = "";
    public string SocketPath { get; private set; } = "";
    public TestServer Server { get; private set; } = null!;
    public PeerRelay MemberRelay { get; private set; } = null!;
    private string _directory = "";

    public async Task InitializeAsync()
    {
        Member = LocalUser.Create("agbm");
        Outsider = LocalUser.Create("agbo");
        Group = LocalUser.CreateGroup("agbg", Member);
        _directory = Directory.CreateTempSubdirectory("agbcode-socket-").FullName;
        File.SetUnixFileMode(_directory, (UnixFileMode)0b111_101_101);   // others may reach the socket; its own mode decides
        SocketPath = Path.Combine(_directory, "engine.sock");
        Server = await TestServer.StartAsync(("UNIX_SOCKET", SocketPath), ("UNIX_SOCKET_GROUP", Group), ("SPARE_SESSIONS", "0"));
        MemberRelay = new PeerRelay(Member, SocketPath, Group);
    }

    public async Task DisposeAsync()
    {
        MemberRelay.Dispose();
        await Server.DisposeAsync();
        LocalUser.DeleteGroup(Group);
        Member.Dispose();
        Outsider.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The AGB client on a socket: <see cref="SocketPath"/> (as root) or a relay's (as its user).</summary>
    public static AgbCloudSpace Client(string socket) => new(new Uri("unix://" + socket), "");

    /// <summary>Plain HTTP on a socket, for what the client would not send (a key, another session's token).</summary>
    public static HttpClient Http(string socket) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, cancel) =>
        {
            var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancel);
            return new NetworkStream(s, ownsSocket: true);
        },
    }) { BaseAddress = new Uri("http://localhost") };
}

public sealed class LocalSocketTests(LocalSocketFixture fixture) : IClassFixture<LocalSocketFixture>
{
    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static async Task<JsonObject> PostAsync(HttpClient http, string path, JsonObject body, string? key = null, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) };
        if (key is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (token is not null)
            request.Headers.Add("X-Access-Token", token);
        using HttpResponseMessage response = await http.SendAsync(request);
        JsonObject answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        answer["status"] = (int)response.StatusCode;
        return answer;
    }

    [Fact]
    public async Task EachLocalUidIsItsOwnTenantAndSeesOnlyItsOwnSessions()
    {
        await using AgbCloudSpace root = LocalSocketFixture.Client(fixture.SocketPath);
        await using AgbCloudSpace member = LocalSocketFixture.Client(fixture.MemberRelay.Path);
        ICodeSession rootSession = await root.CreateSessionAsync(new SessionOptions());
        ICodeSession memberSession = await member.CreateSessionAsync(new SessionOptions());
        try
        {
            Assert.DoesNotContain(rootSession.Id, (await member.ListSessionsAsync()).Select(s => s.Id));
            Assert.Contains(memberSession.Id, (await member.ListSessionsAsync()).Select(s => s.Id));
            Assert.DoesNotContain(memberSession.Id, (await root.ListSessionsAsync()).Select(s => s.Id));
            Assert.Null(await member.GetSessionAsync(rootSession.Id));
            Assert.False(await member.DeleteSessionAsync(rootSession.Id));
            using HttpClient memberHttp = LocalSocketFixture.Http(fixture.MemberRelay.Path);
            JsonObject run = await PostAsync(memberHttp, "/mcp", new JsonObject
            {
                ["sessionId"] = rootSession.Id, ["name"] = "run_code", ["args"] = """{"code":"print(1)","language":"python"}""",
            });
            Assert.Equal(400, run["status"]!.GetValue<int>());
            Assert.Contains("NotFound", run["code"]!.GetValue<string>());
            Assert.NotNull(await root.GetSessionAsync(rootSession.Id));   // untouched by the other uid's attempts
            Assert.StartsWith("local engine service unix://", rootSession.Isolation.Backend);
            Assert.Contains(rootSession.Isolation.Protections, p => p.Name == "Memory limit" && p.Enforced);
        }
        finally
        {
            await root.DeleteSessionAsync(rootSession.Id);
            await member.DeleteSessionAsync(memberSession.Id);
        }
    }

    [Fact]
    public async Task AnotherUidStreamsAndCancelsOverTheSocketAsOverTcp()
    {
        await using AgbCloudSpace member = LocalSocketFixture.Client(fixture.MemberRelay.Path);
        ICodeSession session = await member.CreateSessionAsync(new SessionOptions());
        try
        {
            using var cancel = new CancellationTokenSource();
            var observer = new CancelOnOutput("started", cancel);
            EnhancedCodeExecutionResult cancelled = await session.RunAsync(
                new RunRequest("import time\nprint('started', flush=True)\ntime.sleep(300)", "python"), observer, cancel.Token);
            Assert.Equal("started\n", observer.Stdout.ToString());   // arrived live, before the run ended
            Assert.Equal("CancelledError", cancelled.Error?.Name);
            EnhancedCodeExecutionResult next = await session.RunAsync(new RunRequest("6 * 7", "python"));
            Assert.True(next.Success, next.ErrorMessage);
            Assert.Equal("42", next.Results.Single(r => r.IsMainResult).Text);
            Assert.Equal("WebSocket stream", ((AgbCloudSession)session).RunRoute);
        }
        finally
        {
            await member.DeleteSessionAsync(session.Id);
        }
    }

    [Fact]
    public async Task AnApiKeyOnTheSocketOpensNoOtherTenant()
    {
        JsonObject tcpSession = await fixture.Server.CreateSessionAsync(TestServer.KeyA);
        string id = tcpSession["sessionId"]!.GetValue<string>();
        try
        {
            using HttpClient memberHttp = LocalSocketFixture.Http(fixture.MemberRelay.Path);
            JsonObject get = await PostAsync(memberHttp, "/mcp/getSession", new JsonObject { ["sessionId"] = id }, key: TestServer.KeyA);
            Assert.Equal(400, get["status"]!.GetValue<int>());
            Assert.Contains("NotFound", get["code"]!.GetValue<string>());
            // and the TCP tenant's session token is refused on the socket, as a local user's is over TCP
            JsonObject link = await PostAsync(memberHttp, $"/link/{id}/callTool",
                new JsonObject { ["tool"] = "run_code", ["args"] = new JsonObject { ["code"] = "1", ["language"] = "python" } },
                token: tcpSession["token"]!.GetValue<string>());
            Assert.Equal(401, link["status"]!.GetValue<int>());
        }
        finally
        {
            await fixture.Server.DeleteSessionAsync(id);
        }
    }

    [Fact]
    public async Task ALocalUsersSessionTokenOpensNothingOverTcp()
    {
        using HttpClient memberHttp = LocalSocketFixture.Http(fixture.MemberRelay.Path);
        JsonObject created = await PostAsync(memberHttp, "/mcp/createSession", []);
        JsonNode data = created["data"]!;
        string id = data["sessionId"]!.GetValue<string>();
        try
        {
            Assert.Equal("http://localhost/link/" + id, data["linkUrl"]!.GetValue<string>());
            Answer overTcp = await fixture.Server.PostAsync($"/link/{id}/callTool",
                new JsonObject { ["tool"] = "run_code", ["args"] = new JsonObject { ["code"] = "1", ["language"] = "python" } },
                key: null, headers: new Dictionary<string, string> { ["X-Access-Token"] = data["token"]!.GetValue<string>() });
            Assert.Equal(401, overTcp.Status);
            Assert.Equal(401, await StreamClient.RefusedStatusAsync($"{fixture.Server.BaseUrl.Replace("http", "ws")}/ws/{id}", data["token"]!.GetValue<string>()));
        }
        finally
        {
            await PostAsync(memberHttp, "/mcp/releaseSessionAsync", new JsonObject { ["sessionId"] = id });
        }
    }

    [Fact]
    public void TheSocketHasItsGroupAndModeAndShutsOutOtherUsers()
    {
        Assert.Equal((UnixFileMode)0b110_110_000, File.GetUnixFileMode(fixture.SocketPath));
        Assert.Equal(fixture.Group, LocalUser.Run("stat", "-c", "%G", fixture.SocketPath));
        const string probe = "import socket, sys\ns = socket.socket(socket.AF_UNIX)\ntry:\n    s.connect(sys.argv[1]); print('connected')\nexcept OSError as e:\n    print(type(e).__name__)";
        Assert.Equal("connected", RunAs(fixture.Member, probe, fixture.Group));
        Assert.Equal("PermissionError", RunAs(fixture.Outsider, probe));
    }

    [Fact]
    public async Task AClientToldOfAMissingSocketSaysTheServiceIsNotRunning()
    {
        await using AgbCloudSpace client = LocalSocketFixture.Client(fixture.SocketPath + ".absent");
        AgbException missing = await Assert.ThrowsAsync<AgbException>(() => client.ListSessionsAsync());
        Assert.Equal("AgbConnectionFailed", missing.ErrorId);
        Assert.Contains($"there is no socket {fixture.SocketPath}.absent: the local engine service is not running", missing.Message);
    }

    [Fact]
    public async Task ASecondServerRefusesALiveSocketAndAStoppedServerRemovesItsOwn()
    {
        var error = await Assert.ThrowsAsync<ConfigurationError>(() =>
            TestServer.StartAsync(("UNIX_SOCKET", fixture.SocketPath), ("UNIX_SOCKET_GROUP", fixture.Group), ("SPARE_SESSIONS", "0")));
        Assert.Contains("already listens", error.Message);

        string path = fixture.SocketPath + ".second";
        TestServer second = await TestServer.StartAsync(("UNIX_SOCKET", path), ("UNIX_SOCKET_GROUP", fixture.Group), ("SPARE_SESSIONS", "0"));
        Assert.True(File.Exists(path));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, ".*"));   // the hidden name it was bound under is gone
        await second.DisposeAsync();
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData("0777", "read and write bits only")]
    [InlineData("0066", "the owner's both set")]
    [InlineData("rw", "octal mode")]
    public async Task ABadSocketModeIsRefusedWithTheFix(string mode, string expected)
    {
        var error = await Assert.ThrowsAsync<ConfigurationError>(() =>
            TestServer.StartAsync(("UNIX_SOCKET", fixture.SocketPath + ".bad"), ("UNIX_SOCKET_MODE", mode)));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task AMissingGroupIsRefusedWithTheFix()
    {
        var error = await Assert.ThrowsAsync<ConfigurationError>(() =>
            TestServer.StartAsync(("UNIX_SOCKET", fixture.SocketPath + ".nogroup"), ("UNIX_SOCKET_GROUP", "agbcode-no-such-group")));
        Assert.Contains("groupadd --system agbcode-no-such-group", error.Message);
    }

    private string RunAs(LocalUser user, string python, params string[] groups)
    {
        using var process = System.Diagnostics.Process.Start(user.StartInfo("/usr/bin/python3", ["-c", python, fixture.SocketPath], groups))!;
        string output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return output;
    }

    private sealed class CancelOnOutput(string marker, CancellationTokenSource cancel) : IRunObserver
    {
        public StringBuilder Stdout { get; } = new();

        public void OnStdout(string text)
        {
            Stdout.Append(text);
            if (Stdout.ToString().Contains(marker, StringComparison.Ordinal))
                cancel.Cancel();
        }

        public void OnStderr(string text) { }
        public void OnResult(ExecutionResult result) { }
        public void OnError(ExecutionError error) { }
    }
}
