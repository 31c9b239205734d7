using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using AgbCode.Core.Sessions;
using AgbCode.Engine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using SessionOptions = AgbCode.Core.Sessions.SessionOptions;

namespace AgbCode.Bench;

/// <summary>
/// The AGB-compatible server on loopback against the in-process engine, in one run: warm `1+1` over the WebSocket
/// stream route, the LinkUrl route, the API route (CallMcpTool) and the engine's RunAsync, interleaved; then the time to the first chunk
/// of a streamed run that prints, sleeps and prints again.
/// </summary>
internal static class ServerBench
{
    private const string Key = BenchServer.Key;

    public static async Task RunAsync(int warmRuns, int streamRuns)
    {
        await using WebApplication app = await BenchServer.StartAsync();
        string baseUrl = app.Urls.Single();
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);

        JsonNode session = (await PostAsync(http, "/mcp/createSession?imageId=agb-code-space-1", new JsonObject()))["data"]!;
        string sessionId = session["sessionId"]!.GetValue<string>();
        string linkUrl = session["linkUrl"]!.GetValue<string>();
        string token = session["token"]!.GetValue<string>();
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("X-Access-Token", token);
        await socket.ConnectAsync(new Uri(session["wsUrl"]!.GetValue<string>()), CancellationToken.None);

        await using var space = new LocalCodeSpace();
        ICodeSession local = await space.CreateSessionAsync(new SessionOptions { StartLanguages = ["python"] });

        for (int i = 0; i < 20; i++)   // warm-up: kernels started, JIT done, connections open
        {
            await local.RunAsync(new RunRequest("1+1", "python"));
            await StreamAsync(socket, "1+1");
            await ApiRunAsync(http, sessionId, "1+1");
            await LinkRunAsync(http, linkUrl, token, "1+1");
        }

        var engine = new List<double>();
        var stream = new List<double>();
        var api = new List<double>();
        var link = new List<double>();
        for (int i = 0; i < warmRuns; i++)   // interleaved: each iteration measures every route once
        {
            long start = Stopwatch.GetTimestamp();
            var result = await local.RunAsync(new RunRequest("1+1", "python"));
            engine.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            if (result.Text != "2")
                throw new InvalidOperationException($"engine: unexpected result {result.Text}");

            var (_, end, text) = await StreamAsync(socket, "1+1");
            stream.Add(end.TotalSeconds);
            if (text != "2")
                throw new InvalidOperationException($"stream: unexpected result {text}");

            start = Stopwatch.GetTimestamp();
            string payload = await ApiRunAsync(http, sessionId, "1+1");
            api.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            if (!payload.Contains("\"text/plain\":\"2\"", StringComparison.Ordinal))
                throw new InvalidOperationException($"api: unexpected payload {payload}");

            start = Stopwatch.GetTimestamp();
            payload = await LinkRunAsync(http, linkUrl, token, "1+1");
            link.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            if (!payload.Contains("\"text/plain\":\"2\"", StringComparison.Ordinal))
                throw new InvalidOperationException($"link: unexpected payload {payload}");
        }

        var firstChunk = new List<double>();
        var whole = new List<double>();
        for (int i = 0; i < streamRuns; i++)
        {
            var (first, end, _) = await StreamAsync(socket, "import time\nprint('first', flush=True)\ntime.sleep(0.05)\nprint('last')");
            firstChunk.Add(first!.Value.TotalSeconds);
            whole.Add(end.TotalSeconds);
        }

        Console.WriteLine($"\nServer on loopback: warm run of `1+1` ({warmRuns} runs each, interleaved, after 20 warm-up runs)\n\n{Stats.Header}");
        var engineStats = new Stats("in-process engine: RunAsync → result", engine);
        var streamStats = new Stats("server, WebSocket route: run frame → end frame", stream);
        Console.WriteLine(engineStats.Row());
        Console.WriteLine(streamStats.Row());
        Console.WriteLine(new Stats("server, LinkUrl route: POST {linkUrl}/callTool → response", link).Row());
        Console.WriteLine(new Stats("server, API route: POST /mcp (CallMcpTool) → response", api).Row());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\nserver overhead over the WebSocket route (difference of medians): {(streamStats.Median - engineStats.Median) * 1000:0.00} ms"));
        Console.WriteLine($"\nStreamed run `print('first'); sleep(0.05); print('last')` over the WebSocket route ({streamRuns} runs)\n\n{Stats.Header}");
        Console.WriteLine(new Stats("run frame sent → first stdout chunk received", firstChunk).Row());
        Console.WriteLine(new Stats("run frame sent → end frame received", whole).Row());

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        await app.StopAsync();
    }

    /// <summary>Sends a run frame; returns when the first stdout chunk and the end frame arrived, and the main result's text.</summary>
    private static async Task<(TimeSpan? FirstChunk, TimeSpan End, string? Text)> StreamAsync(ClientWebSocket socket, string code)
    {
        string id = Guid.NewGuid().ToString("N");
        var frame = new JsonObject
        {
            ["invocationId"] = id, ["source"] = "SDK", ["target"] = "wuying_codespace",
            ["data"] = new JsonObject
            {
                ["method"] = "run_code", ["mode"] = "stream",
                ["params"] = new JsonObject { ["language"] = "python", ["timeoutS"] = 60, ["code"] = code },
            },
        };
        long start = Stopwatch.GetTimestamp();
        await socket.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        TimeSpan? first = null;
        string? text = null;
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        while (true)
        {
            WebSocketReceiveResult received = await socket.ReceiveAsync(buffer, CancellationToken.None);
            message.Write(buffer, 0, received.Count);
            if (!received.EndOfMessage)
                continue;
            JsonNode reply = JsonNode.Parse(message.ToArray())!;
            message.SetLength(0);
            JsonNode data = reply["data"]!;
            string? type = data["eventType"]?.GetValue<string>();
            if (type == "stdout")
                first ??= Stopwatch.GetElapsedTime(start);
            else if (type == "result")
                text = data["result"]!["mime"]!["text/plain"]?.GetValue<string>();
            else if (data["phase"]!.GetValue<string>() is "end" or "error")
                return (first, Stopwatch.GetElapsedTime(start), text);
        }
    }

    internal static async Task<string> ApiRunAsync(HttpClient http, string sessionId, string code)
    {
        var args = new JsonObject { ["code"] = code, ["language"] = "python", ["timeout_s"] = 60 };
        JsonNode answer = await PostAsync(http, "/mcp?autoGenSession=false",
            new JsonObject { ["sessionId"] = sessionId, ["name"] = "run_code", ["args"] = args.ToJsonString() });
        return answer["data"]!["content"]![0]!["text"]!.GetValue<string>();
    }

    private static async Task<string> LinkRunAsync(HttpClient http, string linkUrl, string token, string code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{linkUrl}/callTool")
        {
            Content = new StringContent(new JsonObject
            {
                ["args"] = new JsonObject { ["code"] = code, ["language"] = "python", ["timeout_s"] = 60 },
                ["server"] = "wuying_codespace", ["tool"] = "run_code", ["requestId"] = "link-bench",
            }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Access-Token", token);
        using HttpResponseMessage response = await http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"link: HTTP {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!["data"]!["result"]!["content"]![0]!["text"]!.GetValue<string>();
    }

    internal static async Task<JsonNode> PostAsync(HttpClient http, string path, JsonNode body)
    {
        using HttpResponseMessage response = await http.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{path}: HTTP {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }
}
