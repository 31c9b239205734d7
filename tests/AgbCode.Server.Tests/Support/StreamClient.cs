using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace AgbCode.Server.Tests.Support;

/// <summary>A plain ClientWebSocket on a session's wsUrl: sends run frames as the SDKs do and collects every reply frame with its arrival time.</summary>
public sealed class StreamClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<(JsonObject Frame, TimeSpan At)> _frames = Channel.CreateUnbounded<(JsonObject, TimeSpan)>();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _reader;

    private StreamClient(ClientWebSocket socket, bool read)
    {
        _socket = socket;
        _reader = read ? Task.Run(ReadLoopAsync) : Task.CompletedTask;
    }

    public ClientWebSocket Socket => _socket;
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;
    public string? CloseDescription => _socket.CloseStatusDescription;
    /// <summary>Completes when the server closed or dropped the connection.</summary>
    public Task Ended => _reader;

    /// <summary>Connects with the token in X-Access-Token; <paramref name="read"/> false leaves every frame unread (a slow reader).</summary>
    public static async Task<StreamClient> ConnectAsync(string wsUrl, string? token, bool read = true)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (token is not null)
            socket.Options.SetRequestHeader("X-Access-Token", token);
        await socket.ConnectAsync(new Uri(wsUrl), CancellationToken.None);
        return new StreamClient(socket, read);
    }

    /// <summary>The HTTP status a refused upgrade got.</summary>
    public static async Task<int> RefusedStatusAsync(string wsUrl, string? token)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (token is not null)
            socket.Options.SetRequestHeader("X-Access-Token", token);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri(wsUrl), CancellationToken.None));
        return (int)socket.HttpStatusCode;
    }

    /// <summary>Sends a run_code frame shaped as the Python SDK sends it; returns the invocationId.</summary>
    public async Task<string> RunAsync(string code, string language = "python", int timeoutS = 30, string? invocationId = null)
    {
        invocationId ??= Guid.NewGuid().ToString("N");
        await SendAsync(new JsonObject
        {
            ["invocationId"] = invocationId,
            ["source"] = "SDK",
            ["target"] = "wuying_codespace",
            ["data"] = new JsonObject
            {
                ["method"] = "run_code",
                ["mode"] = "stream",
                ["params"] = new JsonObject { ["language"] = language, ["timeoutS"] = timeoutS, ["code"] = code },
            },
        });
        return invocationId;
    }

    public Task SendAsync(JsonNode frame) => SendTextAsync(frame.ToJsonString());

    public Task SendTextAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next frame (and when it arrived); fails the test after <paramref name="timeoutSec"/>.</summary>
    public async Task<(JsonObject Frame, TimeSpan At)> NextAsync(double timeoutSec = 30)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSec));
        return await _frames.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Every frame of one invocation up to and including its end (or error) frame.</summary>
    public async Task<List<(JsonObject Frame, TimeSpan At)>> CollectAsync(string invocationId, double timeoutSec = 60)
    {
        var frames = new List<(JsonObject, TimeSpan)>();
        while (true)
        {
            var (frame, at) = await NextAsync(timeoutSec);
            if (frame["invocationId"]?.GetValue<string>() != invocationId)
                continue;
            frames.Add((frame, at));
            if (frame["data"]?["phase"]?.GetValue<string>() is "end" or "error")
                return frames;
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                WebSocketReceiveResult received = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    // acknowledge the server's close, as WebSocket client libraries do
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    break;
                }
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                    continue;
                _frames.Writer.TryWrite((JsonNode.Parse(message.ToArray())!.AsObject(), _clock.Elapsed));
                message.SetLength(0);
            }
        }
        catch (Exception error) when (error is WebSocketException or InvalidOperationException or ObjectDisposedException) { }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
            catch (Exception error) when (error is WebSocketException or OperationCanceledException or InvalidOperationException) { }
        }
        await _reader.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Abort();
        await _reader.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
    }
}
