using System.Net.Sockets;
using System.Text;

namespace AgbCode.Server.Tests.Support;

/// <summary>
/// A plain TCP connection to the test server, for what an HttpClient will not do: send part of a body and stall, send a
/// body that does not match its headers, and notice when the server closes the connection.
/// </summary>
public sealed class RawConnection : IAsyncDisposable
{
    private readonly TcpClient _client = new();
    private readonly StringBuilder _received = new();
    private NetworkStream _stream = null!;

    public static async Task<RawConnection> OpenAsync(string baseUrl)
    {
        var uri = new Uri(baseUrl);
        var connection = new RawConnection();
        await connection._client.ConnectAsync(uri.Host, uri.Port);
        connection._stream = connection._client.GetStream();
        return connection;
    }

    /// <summary>Everything the server sent so far, as Latin-1 text.</summary>
    public string Received => _received.ToString();

    /// <summary>A request head; the body (if any) follows with <see cref="SendAsync(byte[])"/>.</summary>
    public Task SendHeadAsync(string method, string path, long? contentLength, params string[] headers)
    {
        var head = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: localhost\r\n");
        if (contentLength is long length)
            head.Append($"Content-Type: application/json\r\nContent-Length: {length}\r\n");
        foreach (string header in headers)
            head.Append(header).Append("\r\n");
        return SendAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()));
    }

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>
    /// Reads until the server closes the connection (end of stream or reset). The timeout only keeps a broken server
    /// from hanging the test run; the assertion is that the close happens at all.
    /// </summary>
    public async Task WaitClosedAsync(double failAfterSec = 60)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(failAfterSec));
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int read = await _stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                    return;
                _received.Append(Encoding.Latin1.GetString(buffer, 0, read));
            }
        }
        catch (IOException)
        {
            // reset by the server: closed as well
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The server kept the connection open for {failAfterSec} s; it sent: {Received}");
        }
    }

    /// <summary>Reads until the text received contains <paramref name="marker"/> (or the connection ends).</summary>
    public async Task<string> ReadUntilAsync(string marker, double failAfterSec = 60)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(failAfterSec));
        var buffer = new byte[16 * 1024];
        while (!Received.Contains(marker, StringComparison.Ordinal))
        {
            int read = await _stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
                break;
            _received.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }
        return Received;
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
