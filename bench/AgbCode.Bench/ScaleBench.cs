using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;

namespace AgbCode.Bench;

/// <summary>
/// One API, 1, 2 and 3 instances on loopback (in this process, peered with AGBCODE_PEERS), in one run. Per size: how many
/// sessions the cluster holds before it refuses (each instance capped at <c>perInstance</c>, placement filling them), the
/// time to create them through the first instance, and warm `1+1` runs/s on the API route from <c>clients</c> concurrent
/// clients, each on its own session and sending every call to the next instance in turn (as a round-robin proxy would), so
/// with N instances (N-1)/N of the calls are forwarded. Each size is measured twice, in the order 1 2 3 3 2 1.
/// </summary>
internal static class ScaleBench
{
    private const string Secret = "bench-peer-secret-0123456789abcdef0123456789";

    public static async Task RunAsync(int perInstance, int clients, int runsPerClient)
    {
        Console.WriteLine($"\nSeveral instances, one API: {perInstance} sessions per instance (AGBCODE_MAX_SESSIONS), {clients} clients x {runsPerClient} warm runs of 1+1\n");
        Console.WriteLine("| instances | sessions held | creating them, s | runs/s | run median ms | run p99 ms | forwarded share |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (int size in new[] { 1, 2, 3, 3, 2, 1 })   // there and back: a drift in the machine's load shows as two rows that differ
            Console.WriteLine(await MeasureAsync(size, perInstance, clients, runsPerClient));
    }

    private static async Task<string> MeasureAsync(int size, int perInstance, int clients, int runsPerClient)
    {
        int[] ports = [.. Enumerable.Range(0, size).Select(_ => FreePort())];
        string peers = string.Join(',', ports.Select(p => $"http://127.0.0.1:{p}"));
        var apps = new List<WebApplication>();
        var https = new List<HttpClient>();
        try
        {
            for (int i = 0; i < size; i++)
            {
                string[] cluster = size == 1 ? [] : [$"--AGBCODE_PEERS={peers}", $"--AGBCODE_PEER_SECRET={Secret}"];
                apps.Add(await BenchServer.StartAsync(["--urls", $"http://127.0.0.1:{ports[i]}", $"--AGBCODE_INSTANCE_ID=i{i}",
                    "--AGBCODE_SPARE_SESSIONS=0", $"--AGBCODE_MAX_SESSIONS={perInstance}", $"--AGBCODE_MAX_SESSIONS_PER_TENANT={perInstance}", .. cluster]));
                var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports[i]}"), Timeout = TimeSpan.FromMinutes(5) };
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BenchServer.Key);
                https.Add(http);
            }

            var sessions = new List<string>();
            long created = Stopwatch.GetTimestamp();
            while (true)
            {
                using HttpResponseMessage response = await https[0].PostAsync("/mcp/createSession?imageId=agb-code-space-1", new StringContent("{}"));
                if (!response.IsSuccessStatusCode)
                    break;   // every instance is full: the cluster's capacity
                sessions.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!["sessionId"]!.GetValue<string>());
            }
            double creating = Stopwatch.GetElapsedTime(created).TotalSeconds;

            string[] working = [.. sessions.Take(clients)];
            await Task.WhenAll(working.Select((id, c) => RunManyAsync(https, id, c, runs: 5)));   // warm kernels and connections
            long started = Stopwatch.GetTimestamp();
            List<double>[] times = await Task.WhenAll(working.Select((id, c) => RunManyAsync(https, id, c, runsPerClient)));
            double elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var all = new Stats("run", [.. times.SelectMany(t => t)]);
            return string.Create(CultureInfo.InvariantCulture,
                $"| {size} | {sessions.Count} | {creating:0.0} | {all.Seconds.Count / elapsed:0} | {all.Median * 1000:0.0} | {all.P99 * 1000:0.0} | {(size - 1) * 100 / size}% |");
        }
        finally
        {
            foreach (HttpClient http in https)
                http.Dispose();
            foreach (WebApplication app in apps)
                await app.DisposeAsync();
        }
    }

    /// <summary>Client <paramref name="client"/> runs 1+1 on its session, sending each call to the next instance in turn.</summary>
    private static async Task<List<double>> RunManyAsync(List<HttpClient> instances, string sessionId, int client, int runs)
    {
        var times = new List<double>(runs);
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            string payload = await ServerBench.ApiRunAsync(instances[(client + i) % instances.Count], sessionId, "1+1");
            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            if (!payload.Contains("\"text/plain\":\"2\"", StringComparison.Ordinal))
                throw new InvalidOperationException($"unexpected payload {payload}");
        }
        return times;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
