using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AgbCode.Server.Ops;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgbCode.Server.Tests.Support;

/// <summary>A real server on a loopback Kestrel port, with two tenants' keys, talked to with plain HttpClient.</summary>
public class TestServer : IAsyncDisposable
{
    public const string KeyA = "tenant-a-key-0123456789abcdef";
    public const string KeyB = "tenant-b-key-fedcba9876543210";
    public const string InstanceId = "test1";

    private readonly WebApplication _app;

    private TestServer(WebApplication app, LogCapture logs)
    {
        _app = app;
        Logs = logs;
        // a wildcard bind is talked to on loopback; a local Unix socket, when configured too, has its own tests
        BaseUrl = app.Urls.Single(url => !url.Contains("://unix:", StringComparison.Ordinal)).Replace("//0.0.0.0:", "//127.0.0.1:");
        // the TLS test's certificate is self-signed; these tests talk to their own loopback server only
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        Http = new HttpClient(handler) { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromMinutes(2) };
    }

    public string BaseUrl { get; }
    public HttpClient Http { get; }
    public LogCapture Logs { get; }
    public IServiceProvider Services => _app.Services;
    public ServerMetrics Metrics => _app.Services.GetRequiredService<ServerMetrics>();

    /// <summary>Starts a server; settings are AGBCODE_* names without the prefix, e.g. ("MAX_SESSIONS", "3").</summary>
    public static Task<TestServer> StartAsync(params (string Name, string Value)[] settings) =>
        StartWithArgsAsync(["--urls", "http://127.0.0.1:0"], settings);

    /// <summary>Starts a server with these command-line arguments (e.g. a Kestrel endpoint configuration) and settings.</summary>
    public static Task<TestServer> StartWithArgsAsync(string[] hostArgs, params (string Name, string Value)[] settings) =>
        StartWithArgsAsync(hostArgs, null, settings);

    /// <summary>Starts a server whose services <paramref name="configure"/> may replace (e.g. the clock).</summary>
    public static Task<TestServer> StartAsync(Action<IServiceCollection> configure, params (string Name, string Value)[] settings) =>
        StartWithArgsAsync(["--urls", "http://127.0.0.1:0"], configure, settings);

    private static async Task<TestServer> StartWithArgsAsync(string[] hostArgs, Action<IServiceCollection>? configure, (string Name, string Value)[] settings)
    {
        var logs = new LogCapture();
        string[] args =
        [
            .. hostArgs,
            $"--AGBCODE_API_KEYS=tenant-a:{KeyA},tenant-b:{KeyB}",
            $"--AGBCODE_INSTANCE_ID={InstanceId}",
            .. settings.Select(s => $"--AGBCODE_{s.Name}={s.Value}"),
        ];
        WebApplication app = Program.BuildApp(args, builder =>
        {
            builder.Logging.ClearProviders();   // keep the test output quiet; the capture sees everything
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Logging.AddProvider(logs);
            configure?.Invoke(builder.Services);
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();   // a refused start must not leave its listener or engine behind
            throw;
        }
        return new TestServer(app, logs);
    }

    public Task StopAsync() => _app.StopAsync();

    public async Task<Answer> PostAsync(string path, object? body = null, string? key = KeyA, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body switch { null => "{}", string text => text, JsonNode node => node.ToJsonString(), _ => throw new ArgumentException("body") },
                Encoding.UTF8, "application/json"),
        };
        if (key is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            request.Headers.TryAddWithoutValidation(name, value);
        return await SendAsync(request);
    }

    public async Task<Answer> GetAsync(string path, string? key = KeyA)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await SendAsync(request);
    }

    private async Task<Answer> SendAsync(HttpRequestMessage request)
    {
        using HttpResponseMessage response = await Http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        JsonObject? json = null;
        try
        {
            json = JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException) { }
        return new Answer((int)response.StatusCode, json, text,
            response.Headers.TryGetValues("x-request-id", out var ids) ? ids.Single() : null,
            response.Headers.WwwAuthenticate.ToString());
    }

    /// <summary>CreateSession for tenant A (or another key), asserting success; returns the envelope's data.</summary>
    public async Task<JsonObject> CreateSessionAsync(string? key = KeyA, object? body = null, string image = "agb-code-space-1")
    {
        Answer created = await PostAsync($"/mcp/createSession?imageId={image}", body, key);
        Assert.True(created.Status == 200, created.Text);
        return created.Data!.AsObject();
    }

    public async Task DeleteSessionAsync(string sessionId, string? key = KeyA) =>
        Assert.Equal(200, (await PostAsync("/mcp/releaseSessionAsync", new JsonObject { ["sessionId"] = sessionId }, key)).Status);

    /// <summary>run_code through CallMcpTool (the API route); returns the parsed new-format payload and the answer.</summary>
    public async Task<(JsonObject Payload, Answer Answer)> RunAsync(string sessionId, string code, string language = "python", double timeoutSec = 30, string? key = KeyA)
    {
        var args = new JsonObject { ["code"] = code, ["language"] = language, ["timeout_s"] = timeoutSec };
        Answer answer = await PostAsync("/mcp?autoGenSession=false",
            new JsonObject { ["sessionId"] = sessionId, ["name"] = "run_code", ["args"] = args.ToJsonString() }, key);
        Assert.True(answer.Status == 200, answer.Text);
        return (ToolText(answer.Data!), answer);
    }

    /// <summary>The new-format payload inside an MCP tool result {isError, content:[{type:"text", text}]}.</summary>
    public static JsonObject ToolText(JsonNode toolResult)
    {
        Assert.False(toolResult["isError"]!.GetValue<bool>());
        JsonArray content = toolResult["content"]!.AsArray();
        Assert.Single(content);
        Assert.Equal("text", content[0]!["type"]!.GetValue<string>());
        return JsonNode.Parse(content[0]!["text"]!.GetValue<string>())!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>An HTTP answer: status, the parsed envelope, the raw text, and the x-request-id header.</summary>
public sealed record Answer(int Status, JsonObject? Json, string Text, string? RequestIdHeader, string WwwAuthenticate)
{
    public JsonNode? Data => Json?["data"];
    public string? Code => Json?["code"]?.GetValue<string>();
    public string? Message => Json?["message"]?.GetValue<string>();
    public bool Success => Json?["success"]?.GetValue<bool>() ?? false;
}
