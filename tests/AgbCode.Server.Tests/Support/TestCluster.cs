using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace AgbCode.Server.Tests.Support;

/// <summary>
/// Three real server instances on loopback ports, each listing all three in AGBCODE_PEERS with one peer secret, as a
/// Kubernetes StatefulSet's headless Service would give them. Instance ids: alpha, beta, gamma.
/// </summary>
public sealed class TestCluster : IAsyncLifetime
{
    public const string Secret = "cluster-secret-0123456789abcdef0123456789abcdef";
    public static readonly string[] Ids = ["alpha", "beta", "gamma"];

    private TestServer?[] _instances = [];

    public TestServer this[string instanceId] => _instances[Array.IndexOf(Ids, instanceId)] ?? throw new InvalidOperationException($"{instanceId} was stopped");

    public async Task InitializeAsync()
    {
        int[] ports = [.. Ids.Select(_ => FreePort())];
        string peers = string.Join(',', ports.Select(p => $"http://127.0.0.1:{p}"));
        _instances = await Task.WhenAll(Ids.Select((id, i) => TestServer.StartWithArgsAsync(["--urls", $"http://127.0.0.1:{ports[i]}"],
            ("INSTANCE_ID", id), ("PEERS", peers), ("PEER_SECRET", Secret), ("SPARE_SESSIONS", "0"), ("MAX_SESSIONS", "20"), ("MAX_SESSIONS_PER_TENANT", "10"))));
    }

    /// <summary>The instance a session id names.</summary>
    public static string OwnerOf(string sessionId) => Ids.Single(id => sessionId.StartsWith($"session-{id}-", StringComparison.Ordinal));

    public static string Id(JsonObject session) => session["sessionId"]!.GetValue<string>();

    /// <summary>
    /// A loopback port no one listens on now. The instances need each other's addresses before they start; Linux hands out
    /// ephemeral ports in turn, so the one just released is not given to another socket right away.
    /// </summary>
    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Stops an instance for good: its port closes and its sessions go, as when its pod dies.</summary>
    public async Task StopAsync(string instanceId)
    {
        int index = Array.IndexOf(Ids, instanceId);
        TestServer instance = _instances[index]!;
        _instances[index] = null;
        await instance.DisposeAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (TestServer? instance in _instances)
        {
            if (instance is not null)
                await instance.DisposeAsync();
        }
    }
}
