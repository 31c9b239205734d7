using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using AgbCode.Client;
using AgbCode.Core.Errors;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Server.Api;
using AgbCode.Server.Tests.Support;

namespace AgbCode.Server.Tests;

/// <summary>
/// A session's network is the operator's to allow, per tenant (AGBCODE_NETWORK_TENANTS, none by default): a listed
/// tenant's session reaches what its list names, through our client; any other tenant is refused before a session exists.
/// </summary>
public sealed class NetworkTenantTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync(("NETWORK_TENANTS", "tenant-a"), ("SPARE_SESSIONS", "0"));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_listed_tenant_s_session_reaches_the_host_port_its_list_names()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var client = new AgbCloudSpace(new Uri(_server.BaseUrl), TestServer.KeyA, new AgbClientOptions { UseWebSocket = false });
        ICodeSession session = await client.CreateSessionAsync(new SessionOptions { Network = NetworkAllowList.Parse([$"localhost:{port}"]) });

        Task<EnhancedCodeExecutionResult> run = session.RunAsync(new RunRequest(
            $"import socket\ns = socket.create_connection(('localhost', {port}), timeout=20)\ns.sendall(b'from the sandbox')\ns.close()", "python", 60));
        using TcpClient accepted = await listener.AcceptTcpClientAsync();
        var received = new byte[64];
        int length = await accepted.GetStream().ReadAtLeastAsync(received, 16, throwOnEndOfStream: false);

        Assert.Equal("from the sandbox", Encoding.ASCII.GetString(received, 0, length));
        Assert.True((await run).Success);
        Assert.Equal([$"localhost:{port}"], session.Isolation.Network!.Open);
        await client.DeleteSessionAsync(session.Id);
    }

    [Fact]
    public async Task Another_tenant_is_refused_naming_the_setting_and_no_session_is_made()
    {
        var body = new JsonObject { [SessionRoutes.NetworkField] = new JsonArray("localhost:8080") };

        Answer refused = await _server.PostAsync("/mcp/createSession?imageId=agb-code-space-1", body, TestServer.KeyB);

        Assert.Equal(403, refused.Status);
        Assert.Equal("NetworkNotAllowed", refused.Code);
        Assert.Contains("AGBCODE_NETWORK_TENANTS", refused.Message);
        Answer listed = await _server.GetAsync("/sdk/ListSession", TestServer.KeyB);
        Assert.Equal(0, listed.Json!["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_bad_list_is_refused_with_the_grammar_and_the_client_refuses_before_sending()
    {
        Answer refused = await _server.PostAsync("/mcp/createSession?imageId=agb-code-space-1",
            new JsonObject { [SessionRoutes.NetworkField] = "localhost:8080" });
        Assert.Equal(400, refused.Status);
        Assert.Contains(NetworkAllowList.Grammar, refused.Message);

        var entry = Assert.Throws<AgbException>(() => NetworkAllowList.Parse(["localhost:notaport"]));
        Assert.Equal("AgbInvalidNetworkEntry", entry.ErrorId);
    }
}
