using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using AgbCode.Core.Errors;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>One engine and a real HTTP server on the host's loopback, shared by the network tests.</summary>
public sealed class NetworkFixture : IAsyncLifetime
{
    public LocalCodeSpace Space { get; } = new(spareSessions: 0);
    public LoopbackHttpServer Http { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Space.DisposeAsync();
        Http.Dispose();
    }
}

/// <summary>
/// Sessions reach exactly what their allow-list names (issue 13), through real sandboxes with pasta and nftables: the
/// host's loopback only for a listed port, other destinations refused at once (EHOSTUNREACH from the rules' reject; the TEST-NET addresses used would otherwise time out), names
/// only from the session's hosts file, and code that cannot lift the rules.
/// </summary>
public class NetworkTests(NetworkFixture fixture) : IClassFixture<NetworkFixture>
{
    /// <summary>probe(host, port) prints CONNECTED or the errno's name; fetch(url) prints the body.</summary>
    private const string Probes = """
        import errno, socket, urllib.request
        def probe(host, port):
            s = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET)
            s.settimeout(5)
            try:
                s.connect((host, port)); return 'CONNECTED'
            except socket.timeout:
                return 'TIMEOUT'
            except OSError as e:
                return errno.errorcode.get(e.errno, str(e.errno))
            finally:
                s.close()
        def resolve(name):
            try:
                return sorted({a[4][0] for a in socket.getaddrinfo(name, 80)})
            except socket.gaierror as e:
                return 'gaierror'
        def fetch(url):
            return urllib.request.urlopen(url, timeout=20).read().decode()

        """;

    private async Task<(ICodeSession Session, string[] Lines)> RunInSession(string[] network, string code)
    {
        ICodeSession session = await fixture.Space.CreateSessionAsync(new SessionOptions { Network = NetworkAllowList.Parse(network) });
        EnhancedCodeExecutionResult result = await session.RunAsync(new RunRequest(Probes + code, "python", 60));
        Assert.True(result.Success, result.ErrorMessage + "\n" + result.Error?.Traceback + result.Stderr);
        return (session, result.Stdout.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task A_listed_host_loopback_port_is_reachable_and_nothing_else_is()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        int otherPort = ((IPEndPoint)other.LocalEndpoint).Port;

        var (session, lines) = await RunInSession([$"localhost:{fixture.Http.Port}"], $"""
            print(fetch('http://localhost:{fixture.Http.Port}/{LoopbackHttpServer.MarkerFile}'))
            print(probe('127.0.0.1', {otherPort}))
            print(probe('198.51.100.7', 443))
            print(probe('198.51.100.7', {fixture.Http.Port}))
            print(resolve('example.com'))
            """);

        Assert.Equal(fixture.Http.Marker, lines[0]);
        Assert.Equal("ECONNREFUSED", lines[1]);   // another host port: the sandbox's own loopback answers, not the host's
        Assert.Equal("EHOSTUNREACH", lines[2]);   // refused by the rules before it leaves (a TEST-NET address would time out)
        Assert.Equal("EHOSTUNREACH", lines[3]);
        Assert.Equal("gaierror", lines[4]);       // no DNS: only the session's hosts file
        Assert.False(other.Pending(), "an unlisted host port was reached");
        NetworkAccess access = Assert.IsType<NetworkAccess>(session.Isolation.Network);
        Assert.Equal([$"localhost:{fixture.Http.Port} (the host's loopback, at the sandbox's own localhost)"], access.Open);
        Assert.Contains("pasta", access.Stack);
        Assert.Contains(session.Isolation.Protections, p => p.Name == "Network allow-list" && p.Enforced && p.Detail.Contains($"localhost:{fixture.Http.Port}"));
        await fixture.Space.DeleteSessionAsync(session.Id);
    }

    [Fact]
    public async Task A_session_whose_list_names_another_port_cannot_reach_the_server()
    {
        using var listed = new TcpListener(IPAddress.Loopback, 0);
        listed.Start();
        int listedPort = ((IPEndPoint)listed.LocalEndpoint).Port;

        var (session, lines) = await RunInSession([$"localhost:{listedPort}"], $"""
            print(probe('127.0.0.1', {fixture.Http.Port}))
            print(probe('127.0.0.1', {listedPort}))
            """);

        Assert.Equal("ECONNREFUSED", lines[0]);
        Assert.Equal("CONNECTED", lines[1]);
        using TcpClient accepted = await listed.AcceptTcpClientAsync();   // the listed port reached the host's listener
        await fixture.Space.DeleteSessionAsync(session.Id);
    }

    [Fact]
    public async Task A_default_session_has_no_network_and_says_so()
    {
        ICodeSession session = await fixture.Space.CreateSessionAsync(new SessionOptions());
        EnhancedCodeExecutionResult result = await session.RunAsync(new RunRequest(
            Probes + $"print(probe('127.0.0.1', {fixture.Http.Port}))\nprint(probe('198.51.100.7', 443))", "python", 60));

        Assert.Equal("ECONNREFUSED\nENETUNREACH\n", result.Stdout);
        Assert.Null(session.Isolation.Network);
        Assert.Contains(session.Isolation.Protections, p => p.Name == "No network" && p.Enforced);
        await fixture.Space.DeleteSessionAsync(session.Id);
    }

    [Fact]
    public async Task The_code_cannot_lift_the_rules_or_reroute()
    {
        var (session, lines) = await RunInSession([$"localhost:{fixture.Http.Port}", "198.51.100.0/24:8443"], $"""
            import subprocess
            def attempt(*command):
                done = subprocess.run(command, capture_output=True, text=True)
                return 'rc=0' if done.returncode == 0 else 'refused'
            print(attempt('/usr/sbin/nft', 'flush', 'ruleset'))
            print(attempt('/usr/sbin/nft', 'add', 'rule', 'inet', 'agbcode', 'output', 'accept'))
            print(attempt('/usr/sbin/ip', 'route', 'replace', 'default', 'dev', 'lo'))
            print(attempt('/usr/sbin/ip', 'link', 'set', 'lo', 'down'))
            print(attempt('/usr/bin/unshare', '--net', '--map-root-user', 'true'))
            try:
                socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP); print('raw socket OPENED')
            except OSError as e:
                print(errno.errorcode[e.errno])
            print(probe('198.51.100.7', 443))
            print(probe('198.51.100.7', 8443) != 'EHOSTUNREACH')
            print(fetch('http://localhost:{fixture.Http.Port}/{LoopbackHttpServer.MarkerFile}'))
            """);

        Assert.Equal(["refused", "refused", "refused", "refused", "refused", "EPERM", "EHOSTUNREACH", "True", fixture.Http.Marker], lines);
        await fixture.Space.DeleteSessionAsync(session.Id);
    }

    [Fact]
    public async Task Isolation_none_with_a_list_is_refused()
    {
        var error = await Assert.ThrowsAsync<AgbException>(() => fixture.Space.CreateSessionAsync(
            new SessionOptions { Isolation = IsolationMode.None, Network = NetworkAllowList.Parse(["localhost:80"]) }));
        Assert.Equal("AgbNetworkNeedsSandbox", error.ErrorId);
    }

    [Fact]
    public async Task A_name_that_resolves_to_the_hosts_loopback_is_refused()
    {
        var error = await Assert.ThrowsAsync<AgbException>(() => fixture.Space.CreateSessionAsync(
            new SessionOptions { Network = NetworkAllowList.Parse([$"{Dns.GetHostName()}.:80"]) }));
        Assert.Equal("AgbInvalidNetworkEntry", error.ErrorId);
        Assert.Contains("write localhost:80", error.MessageWithFix, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>Names are resolved by the engine when the session is created, and the sandbox sees only those answers.</summary>
public class NetworkNameTests
{
    private const string ListedName = "api.agbcode.test";
    private const string ListedAddress = "198.51.100.20";

    [Fact]
    public void A_listed_name_resolves_in_the_sandbox_to_what_the_host_resolved_and_only_its_port_is_open()
    {
        // the engine in a mount namespace of its own whose /etc/hosts knows the name: a real resolver answering a test name
        string hosts = Path.Combine(Directory.CreateTempSubdirectory("agbcode-hosts-").FullName, "hosts");
        File.WriteAllText(hosts, $"127.0.0.1 localhost\n{ListedAddress} {ListedName}\n198.51.100.21 unlisted.agbcode.test\n");
        using EngineProcess engine = EngineProcess.Start(runAs:
            ["/usr/bin/unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", "/usr/bin/mount --bind \"$0\" /etc/hosts && exec \"$@\"", hosts]);

        JsonNode created = engine.Send(new { op = "create", network = new[] { $"{ListedName}:443" } });
        string detail = (string)created["isolation"]!.AsArray().Single(p => (string)p!["Name"]! == "Network allow-list")!["Detail"]!;
        JsonNode result = engine.Send(new { op = "run", id = (string)created["id"]!, language = "python", code = $$"""
            import errno, socket
            def probe(port):
                s = socket.socket(); s.settimeout(5)
                try:
                    s.connect(('{{ListedName}}', port)); return 'CONNECTED'
                except socket.timeout:
                    return 'TIMEOUT'
                except OSError as e:
                    return errno.errorcode.get(e.errno, str(e.errno))
            print(socket.gethostbyname('{{ListedName}}'))
            try:
                socket.gethostbyname('unlisted.agbcode.test'); print('RESOLVED')
            except socket.gaierror:
                print('gaierror')
            print(probe(443) != 'EHOSTUNREACH')
            print(probe(444))
            """ });
        engine.Send(new { op = "delete", id = (string)created["id"]! });

        Assert.True((bool)result["Success"]!, result.ToJsonString());
        Assert.Equal($"{ListedAddress}\ngaierror\nTrue\nEHOSTUNREACH\n", (string)result["Stdout"]!);
        Assert.Contains($"{ListedName}:443 ({ListedAddress})", detail);
        Directory.Delete(Path.GetDirectoryName(hosts)!, recursive: true);
    }
}
