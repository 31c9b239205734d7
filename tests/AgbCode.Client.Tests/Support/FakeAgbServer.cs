using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgbCode.Client.Tests.Support;

/// <summary>A request the fake server received.</summary>
internal sealed record SeenRequest(string Method, string Path, IQueryCollection Query, string? Authorization, string? AccessToken, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
}

/// <summary>
/// A loopback server that plays the AGB cloud from the recorded bodies: session management, CallMcpTool, LinkUrl,
/// and the WebSocket stream protocol. It records what it was sent, and a WebSocket run it plays is cancelled when its
/// connection closes (as the AgbCode server does).
/// </summary>
internal sealed class FakeAgbServer : IAsyncDisposable
{
    public const string ApiKey = "agb-test-key-0123456789";
    public const string SessionToken = "session-token-abcdef";
    public const string SessionId = "session-abc";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, bool> _sessions = new();   // id → released

    private FakeAgbServer(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;
    public ConcurrentQueue<SeenRequest> Requests { get; } = new();
    /// <summary>The session's files, behind every tool but run_code.</summary>
    public FakeWorkspace Workspace { get; } = new();

    public bool OfferWebSocket { get; set; } = true;
    public bool OfferLinkUrl { get; set; } = true;
    /// <summary>Runs before a request is answered, with the request's abort token (a slow or hanging server).</summary>
    public Func<SeenRequest, CancellationToken, Task>? BeforeAnswer { get; set; }
    /// <summary>Refuses WebSocket upgrades with this HTTP status.</summary>
    public int? RejectWebSocketWith { get; set; }
    /// <summary>Answers a request instead of the defaults when it returns a reply.</summary>
    public Func<SeenRequest, (int Status, string Body)?>? Override { get; set; }
    /// <summary>The run_code tool text for the HTTP routes, from the run's args.</summary>
    public Func<JsonElement, string> RunToolText { get; set; } = args =>
        JsonSerializer.Serialize(new { result = Array.Empty<object>(), stdout = new[] { "ran: " + args.GetProperty("code").GetString() }, stderr = Array.Empty<string>(), execution_count = 1, execution_time = 0.1 });
    /// <summary>What the server does with a WebSocket run.</summary>
    public Func<WsRun, Task> WsScript { get; set; } = run => run.PlayAsync("ws-stream.json");
    /// <summary>How many pings get a pong (then the server goes quiet).</summary>
    public int PongsToAnswer { get; set; } = int.MaxValue;
    /// <summary>Statuses GetSessionDetail reports after a release, one per call; then FINISH.</summary>
    public ConcurrentQueue<string> StatusesAfterRelease { get; } = new();

    public int WsConnections => _wsConnections;
    public int Pings => _pings;
    public ConcurrentQueue<JsonElement> RunFrames { get; } = new();
    /// <summary>How each WebSocket connection ended: "close" (the client's close frame) or "abort".</summary>
    public ConcurrentQueue<string> ConnectionEnds { get; } = new();
    public TaskCompletionSource<string> FirstConnectionEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Runs the server stopped because their connection went away.</summary>
    public ConcurrentQueue<string> RunsStoppedByDisconnect { get; } = new();
    public TaskCompletionSource<string> FirstRunStopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly ConcurrentDictionary<WebSocket, bool> _liveSockets = new();
    private readonly ConcurrentQueue<AgbCloudSpace> _spaces = new();
    private int _wsConnections;
    private int _pings;

    public Uri WsUrl => new($"ws://{Endpoint.Authority}/ws/{SessionId}");
    public Uri LinkUrl => new(Endpoint, $"link/{SessionId}");

    public static async Task<FakeAgbServer> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        var server = new FakeAgbServer(app);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Run(server.HandleAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>A client for this server; disposed with the server.</summary>
    public AgbCloudSpace Space(AgbClientOptions? options = null)
    {
        var space = new AgbCloudSpace(Endpoint, ApiKey, options);
        _spaces.Enqueue(space);
        return space;
    }

    public IEnumerable<SeenRequest> Seen(string path) => Requests.Where(r => r.Path == path);

    private async Task HandleAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        if (context.WebSockets.IsWebSocketRequest)
        {
            await HandleWebSocketAsync(context);
            return;
        }
        string body = await new StreamReader(request.Body).ReadToEndAsync();
        var seen = new SeenRequest(request.Method, request.Path.Value ?? "", request.Query, request.Headers.Authorization.FirstOrDefault(),
            request.Headers["X-Access-Token"].FirstOrDefault(), body);
        Requests.Enqueue(seen);
        if (BeforeAnswer is not null)
            await BeforeAnswer(seen, context.RequestAborted);

        if (Override?.Invoke(seen) is (int status, string text))
        {
            await Reply(context, status, text);
            return;
        }
        if (seen.Path.StartsWith("/link/", StringComparison.Ordinal))
        {
            if (seen.AccessToken != SessionToken)
                await Reply(context, 401, "{}");
            else
                await Reply(context, 200, JsonSerializer.Serialize(new { data = new { result = CallTool(seen.Json.GetProperty("tool").GetString()!, seen.Json.GetProperty("args")) } }));
            return;
        }
        if (seen.Authorization != "Bearer " + ApiKey)
        {
            await Reply(context, 401, Recorded.Text("auth-failed.json"));
            return;
        }
        await Reply(context, 200, Answer(seen));
    }

    private string Answer(SeenRequest seen)
    {
        string? id = seen.Path == "/mcp/refreshSessionIdleTime" ? seen.Query["sessionId"]
            : seen.Body.Length > 0 && seen.Json.TryGetProperty("sessionId", out JsonElement s) ? s.GetString() : null;
        bool live = id is not null && _sessions.TryGetValue(id, out bool released) && !released;
        string notFound = Recorded.Text("api-session-not-found.json");
        switch (seen.Path)
        {
            case "/mcp/createSession":
                _sessions[SessionId] = false;
                return SessionData("create-session.json");
            case "/mcp/getSession":
                return live ? SessionData("get-session-capitalized.json") : notFound;
            case "/mcp/getSessionInfo":
                if (id is null || !_sessions.TryGetValue(id, out bool gone))
                    return Recorded.Text("session-info-not-found.json");
                return !gone ? Recorded.Text("session-info-running.json")
                    : StatusesAfterRelease.TryDequeue(out string? status) ? Envelope(new { status })
                    : Recorded.Text("session-info-finish.json");
            case "/mcp/releaseSessionAsync":
                if (!live)
                    return notFound;
                _sessions[id!] = true;
                return Recorded.Text("delete-nested-body.json");
            case "/mcp/refreshSessionIdleTime":
                return live ? Envelope(null) : notFound;
            case "/sdk/ListSession":
                return Recorded.Text(seen.Query["nextToken"] == "page-2" ? "list-sessions-page2.json" : "list-sessions-page1.json");
            case "/mcp/listTools":
                return Recorded.Text("list-tools.json");
            case "/mcp":
                if (!live)
                    return notFound;
                using (JsonDocument args = JsonDocument.Parse(seen.Json.GetProperty("args").GetString()!))
                    return Envelope(CallTool(seen.Json.GetProperty("name").GetString()!, args.RootElement));
            default:
                return Envelope(null, success: false, code: "NotImplemented", message: $"no such operation {seen.Path}");
        }
    }

    private string SessionData(string name) => Recorded.Text(name, new Dictionary<string, string>
    {
        ["$LINK"] = OfferLinkUrl ? LinkUrl.ToString() : "",
        ["$WS"] = OfferWebSocket ? WsUrl.ToString() : "",
        ["$TOKEN"] = SessionToken,
    });

    private object CallTool(string name, JsonElement args)
    {
        if (name == "run_code")
            return Tool(RunToolText(args));
        (string text, bool isError) = Workspace.Answer(name, args);
        return Tool(text, isError);
    }

    public static object Tool(string text, bool isError = false) => new { isError, content = new[] { new { type = "text", text } } };

    public static string Envelope(object? data, bool success = true, string code = "ok", string message = "") =>
        JsonSerializer.Serialize(new { success, code, message, httpStatusCode = 200, requestId = "req-" + Guid.NewGuid().ToString("N")[..8], data });

    private static async Task Reply(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    private async Task HandleWebSocketAsync(HttpContext context)
    {
        if (RejectWebSocketWith is not null || context.Request.Headers["X-Access-Token"] != SessionToken)
        {
            context.Response.StatusCode = RejectWebSocketWith ?? 401;
            return;
        }
        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
        Interlocked.Increment(ref _wsConnections);
        _liveSockets[socket] = true;
        using var disconnected = new CancellationTokenSource();
        var sendLock = new SemaphoreSlim(1, 1);
        async Task Send(string text)
        {
            await sendLock.WaitAsync();
            try { await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None); }
            finally { sendLock.Release(); }
        }
        var scripts = new List<Task>();
        string end = "abort";
        try
        {
            var buffer = new byte[1 << 16];
            var message = new MemoryStream();
            while (true)
            {
                WebSocketReceiveResult received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    end = "close";
                    break;
                }
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                    continue;
                JsonElement frame = JsonDocument.Parse(message.ToArray()).RootElement.Clone();
                message.SetLength(0);
                if (frame.TryGetProperty("type", out JsonElement type) && type.GetString() == "ping")
                {
                    if (Interlocked.Increment(ref _pings) <= PongsToAnswer)
                        await Send("""{"type":"pong"}""");
                    continue;
                }
                RunFrames.Enqueue(frame);
                var run = new WsRun(frame, Send, socket.Abort, disconnected.Token);
                scripts.Add(Task.Run(() => PlayAsync(run)));
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
        }
        finally
        {
            _liveSockets.TryRemove(socket, out _);
            disconnected.Cancel();
            ConnectionEnds.Enqueue(end);
            FirstConnectionEnded.TrySetResult(end);
        }
        if (socket.State == WebSocketState.CloseReceived)
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        await Task.WhenAll(scripts);
    }

    private async Task PlayAsync(WsRun run)
    {
        try
        {
            await WsScript(run);
        }
        catch (Exception e) when (run.Disconnected.IsCancellationRequested && e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            RunsStoppedByDisconnect.Enqueue(run.InvocationId);
            FirstRunStopped.TrySetResult(run.InvocationId);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (AgbCloudSpace space in _spaces)
            await space.DisposeAsync();
        foreach (WebSocket socket in _liveSockets.Keys)
            socket.Abort();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await _app.StopAsync(limit.Token); } catch (OperationCanceledException) { }
        await _app.DisposeAsync();
    }
}

/// <summary>One WebSocket run the fake server plays: its frame, and ways to answer it.</summary>
internal sealed class WsRun(JsonElement frame, Func<string, Task> send, Action abort, CancellationToken disconnected)
{
    /// <summary>Drops the connection without a close handshake, as a crashed server or a broken network does.</summary>
    public void Abort() => abort();

    public JsonElement Frame { get; } = frame;
    public string InvocationId => Frame.GetProperty("invocationId").GetString()!;
    public string Code => Frame.GetProperty("data").GetProperty("params").GetProperty("code").GetString()!;
    /// <summary>Cancelled when the run's connection closes: the server stops the run.</summary>
    public CancellationToken Disconnected { get; } = disconnected;

    public Task SendRawAsync(string text) => send(text);

    public Task SendDataAsync(object data) =>
        send(JsonSerializer.Serialize(new { invocationId = InvocationId, source = "codespace", target = "SDK", data }));

    public Task StdoutAsync(string chunk) => SendDataAsync(new { phase = "event", eventType = "stdout", chunk });

    public Task EndAsync(int executionCount = 1) => SendDataAsync(new { phase = "end", status = "finished", executionCount, executionTime = 0.1 });

    public async Task PlayAsync(string recordedName)
    {
        foreach (string frame in Recorded.Frames(recordedName, InvocationId))
            await send(frame);
    }

    /// <summary>Waits, as a long run does, until the connection goes away.</summary>
    public Task RunUntilDisconnectedAsync() => Task.Delay(Timeout.Infinite, Disconnected);
}
