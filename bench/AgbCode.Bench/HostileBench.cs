using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace AgbCode.Bench;

/// <summary>
/// The attacks of issue 10 items 1 and 2 (and the item 3 output flood) against a real server process on loopback: the
/// server's peak RSS during each attack against its quiet RSS measured just before, in the same run.
/// The server is this program started again in "hostile-server" mode (the server's own Main), so nothing else shares its heap.
/// </summary>
internal static class HostileBench
{
    private const string Key = "bench-hostile-key-0123456789";
    private const int MiB = 1024 * 1024;

    public static async Task RunAsync()
    {
        int port = FreePort();
        using Process server = StartServer(port);
        try
        {
            string baseUrl = $"http://127.0.0.1:{port}";
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(10) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
            await WaitHealthyAsync(http);
            JsonNode session = (await PostAsync(http, "/mcp/createSession?imageId=agb-code-space-1", new JsonObject()))["data"]!;
            string sessionId = session["sessionId"]!.GetValue<string>();
            string token = session["token"]!.GetValue<string>();
            string wsUrl = session["wsUrl"]!.GetValue<string>();
            for (int i = 0; i < 5; i++)
                await RunAsync(http, sessionId, "1+1");

            Console.WriteLine($"\nServer under hostile clients: peak RSS of the server process during each attack, over its quiet RSS just before\n");
            Console.WriteLine("| attack | quiet RSS MiB | peak RSS MiB | growth MiB | outcome |\n|---|---|---|---|---|");
            await MeasureAsync(server, "item 1: 150 connections without a token, each sending 8 MiB but the last byte of a LinkUrl body, then stalling",
                () => UnauthenticatedUploadsAsync(port, sessionId, connections: 150, bodyBytes: 8 * MiB));
            await MeasureAsync(server, "item 2: 1,000 WebSockets to one session with its token",
                () => ManySocketsAsync(wsUrl, token, 1000));
            await MeasureAsync(server, "item 2: 4 WebSockets x 128 queued runs of 1 MiB of code, behind a running one",
                () => QueuedRunsAsync(http, sessionId, wsUrl, token, sockets: 4, runsPerSocket: 128, codeBytes: MiB));
            await MeasureAsync(server, "item 3: one run displaying 600,000 `text/latex` items, through the API route",
                async () =>
                {
                    string answer = await RunAsync(http, sessionId,
                        "from IPython.display import display\nfor _ in range(600000):\n    display({'text/latex': 'x'}, raw=True)\n'done'", timeoutSec: 600);
                    return $"answer of {answer.Length / (double)MiB:0.0} MiB";
                });
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
        await ResultWriteBench.RunAsync(items: 600_000);
    }

    /// <summary>The quiet RSS (the most over 3 s of rest), then the attack with the peak reset (clear_refs 5) just before it.</summary>
    private static async Task MeasureAsync(Process server, string attack, Func<Task<string>> run)
    {
        long quiet = 0;
        for (int i = 0; i < 30; i++)
        {
            quiet = Math.Max(quiet, Status(server, "VmRSS"));
            await Task.Delay(100);
        }
        await File.WriteAllTextAsync($"/proc/{server.Id}/clear_refs", "5");
        string outcome = await run();
        long peak = Status(server, "VmHWM");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {attack} | {quiet / 1024.0:0} | {peak / 1024.0:0} | {(peak - quiet) / 1024.0:0} | {outcome} |"));
        await Task.Delay(TimeSpan.FromSeconds(2));
    }

    private static async Task<string> UnauthenticatedUploadsAsync(int port, string sessionId, int connections, int bodyBytes)
    {
        var clock = Stopwatch.StartNew();
        var closedAfter = await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            NetworkStream stream = client.GetStream();
            Task<bool> closed = ClosedByServerAsync(stream, TimeSpan.FromSeconds(90));
            try
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(
                    $"POST /link/{sessionId}/callTool HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {bodyBytes}\r\n\r\n"));
                byte[] chunk = Encoding.ASCII.GetBytes(new string('x', 64 * 1024));
                for (int sent = 0; sent < bodyBytes - 1; sent += chunk.Length)
                    await stream.WriteAsync(chunk.AsMemory(0, Math.Min(chunk.Length, bodyBytes - 1 - sent)));
            }
            catch (IOException)
            {
                // the server closed the connection while we were still sending: what it should do
            }
            return await closed ? clock.Elapsed.TotalSeconds : double.NaN;
        }));
        int open = closedAfter.Count(double.IsNaN);
        return string.Create(CultureInfo.InvariantCulture,
            $"{connections - open} of {connections} closed by the server, the last after {closedAfter.Where(t => !double.IsNaN(t)).DefaultIfEmpty(0).Max():0.0} s; {open} still open after 90 s");
    }

    private static async Task<bool> ClosedByServerAsync(NetworkStream stream, TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, timeout.Token) > 0) { }
            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<string> ManySocketsAsync(string wsUrl, string token, int attempts)
    {
        var open = new List<ClientWebSocket>();
        int refused = 0;
        foreach (var batch in Enumerable.Range(0, attempts).Chunk(50))
        {
            ClientWebSocket?[] sockets = await Task.WhenAll(batch.Select(async _ =>
            {
                var socket = new ClientWebSocket();
                socket.Options.SetRequestHeader("X-Access-Token", token);
                try
                {
                    await socket.ConnectAsync(new Uri(wsUrl), CancellationToken.None);
                    return socket;
                }
                catch (WebSocketException)
                {
                    socket.Dispose();
                    return null;
                }
            }));
            refused += sockets.Count(s => s is null);
            open.AddRange(sockets.OfType<ClientWebSocket>());
        }
        string outcome = $"{open.Count} accepted, {refused} refused";
        foreach (ClientWebSocket socket in open)
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
            socket.Dispose();
        }
        return outcome;
    }

    private static async Task<string> QueuedRunsAsync(HttpClient http, string sessionId, string wsUrl, string token, int sockets, int runsPerSocket, int codeBytes)
    {
        var clients = new List<ClientWebSocket>();
        for (int i = 0; i < sockets; i++)
        {
            var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("X-Access-Token", token);
            await socket.ConnectAsync(new Uri(wsUrl), CancellationToken.None);
            clients.Add(socket);
        }
        var refusals = new int[sockets];
        var readers = clients.Select((socket, i) => Task.Run(async () =>
        {
            var buffer = new byte[256 * 1024];
            try
            {
                while (true)
                {
                    var message = new MemoryStream();
                    WebSocketReceiveResult received;
                    do
                    {
                        received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                        message.Write(buffer, 0, received.Count);
                    }
                    while (!received.EndOfMessage && received.MessageType != WebSocketMessageType.Close);
                    if (received.MessageType == WebSocketMessageType.Close)
                        return;
                    if (Encoding.UTF8.GetString(message.ToArray()).Contains("\"phase\":\"error\"", StringComparison.Ordinal))
                        Interlocked.Increment(ref refusals[i]);
                }
            }
            catch (WebSocketException) { }
        })).ToList();
        await SendRunAsync(clients[0], "import time\ntime.sleep(3600)", "blocker");   // holds the kernel: the rest queue
        string code = "x = '" + new string('a', codeBytes - 8) + "'";
        var sends = clients.Select((socket, i) => Task.Run(async () =>
        {
            for (int run = 0; run < runsPerSocket; run++)
                await SendRunAsync(socket, code, $"s{i}-r{run}");
        }));
        await Task.WhenAll(sends);
        await Task.Delay(TimeSpan.FromSeconds(5));   // let the server take in what it accepted
        int refused = refusals.Sum();
        foreach (ClientWebSocket socket in clients)
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        }
        await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(60));
        foreach (ClientWebSocket socket in clients)
            socket.Dispose();
        await RunAsync(http, sessionId, "1+1");   // the queued runs were cancelled with their sockets: the kernel answers
        return $"{sockets * runsPerSocket - refused} runs queued, {refused} refused";
    }

    private static Task SendRunAsync(ClientWebSocket socket, string code, string invocationId) => socket.SendAsync(Encoding.UTF8.GetBytes(new JsonObject
    {
        ["invocationId"] = invocationId,
        ["data"] = new JsonObject
        {
            ["method"] = "run_code",
            ["mode"] = "stream",
            ["params"] = new JsonObject { ["language"] = "python", ["timeoutS"] = 3600, ["code"] = code },
        },
    }.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<string> RunAsync(HttpClient http, string sessionId, string code, double timeoutSec = 60)
    {
        var args = new JsonObject { ["code"] = code, ["language"] = "python", ["timeout_s"] = timeoutSec };
        using HttpResponseMessage response = await http.PostAsync("/mcp", new StringContent(
            new JsonObject { ["sessionId"] = sessionId, ["name"] = "run_code", ["args"] = args.ToJsonString() }.ToJsonString(), Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"run failed: {(int)response.StatusCode} {text[..Math.Min(text.Length, 500)]}");
        return text;
    }

    private static async Task<JsonNode> PostAsync(HttpClient http, string path, JsonNode body)
    {
        using HttpResponseMessage response = await http.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? JsonNode.Parse(text)! : throw new InvalidOperationException($"{path}: {text}");
    }

    private static Process StartServer(int port)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOTNET_gcServer"] = "1";   // the server's own project (Web SDK) runs with the server GC: measure that
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            start.ArgumentList.Add(typeof(HostileBench).Assembly.Location);
        foreach (string arg in new[] { "hostile-server", "--urls", $"http://127.0.0.1:{port}", $"--AGBCODE_API_KEY={Key}", "--AGBCODE_LOG_FORMAT=text" })
            start.ArgumentList.Add(arg);
        Process server = Process.Start(start)!;
        server.OutputDataReceived += (_, _) => { };   // drained, not kept: its request log lines would only cost memory here
        server.ErrorDataReceived += (_, line) => { if (line.Data is not null) Console.Error.WriteLine($"server: {line.Data}"); };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        return server;
    }

    private static async Task WaitHealthyAsync(HttpClient http)
    {
        for (int i = 0; i < 600; i++)
        {
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new InvalidOperationException("the server did not come up within 60 s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A field of /proc/PID/status in KiB (VmRSS now, VmHWM the peak since the last reset).</summary>
    private static long Status(Process process, string field) =>
        long.Parse(File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
