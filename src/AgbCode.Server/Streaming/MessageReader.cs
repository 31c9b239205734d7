using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;

namespace AgbCode.Server.Streaming;

/// <summary>
/// Reads whole WebSocket messages up to the frame limit. A larger message is read to its end and dropped, keeping
/// only its start, where the SDKs put the invocationId, so that invocation can be told why.
/// </summary>
internal sealed partial class MessageReader(WebSocket socket, int maxBytes)
{
    private const int PrefixBytes = 1024;
    private ArrayBufferWriter<byte> _message = new(16 * 1024);

    /// <summary>The next message, or null when the client closed the connection. Its bytes are valid until the next read.</summary>
    public async Task<Message?> ReadAsync(CancellationToken cancellationToken)
    {
        if (_message.Capacity > 1024 * 1024)
            _message = new ArrayBufferWriter<byte>(16 * 1024);   // do not keep a big message's buffer for the connection's life
        else
            _message.Clear();
        long total = 0;
        while (true)
        {
            Memory<byte> space = _message.GetMemory(16 * 1024);
            ValueWebSocketReceiveResult received = await socket.ReceiveAsync(space, cancellationToken);
            if (received.MessageType == WebSocketMessageType.Close)
                return null;
            total += received.Count;
            if (total <= maxBytes || _message.WrittenCount < PrefixBytes)
                _message.Advance(Math.Min(received.Count, total <= maxBytes ? received.Count : Math.Max(0, PrefixBytes - _message.WrittenCount)));
            if (received.EndOfMessage)
                break;
        }
        return total > maxBytes
            ? new Message(ReadOnlyMemory<byte>.Empty, total, true)
            : new Message(_message.WrittenMemory, total, false);
    }

    /// <summary>The invocationId near a frame's start (where the SDKs put it), for refusing a frame that is not parsed.</summary>
    public string? InvocationIdInPrefix() => InvocationIdIn(_message.WrittenSpan);

    private static string? InvocationIdIn(ReadOnlySpan<byte> prefix)
    {
        Match match = InvocationIdPattern().Match(Encoding.UTF8.GetString(prefix[..Math.Min(prefix.Length, PrefixBytes)]));
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex("\"invocationId\"\\s*:\\s*\"([A-Za-z0-9_.:-]{1,128})\"")]
    private static partial Regex InvocationIdPattern();

    /// <summary>A message: its bytes (none for one over the limit, of which only the start is kept) and its size.</summary>
    public sealed record Message(ReadOnlyMemory<byte> Bytes, long Size, bool IsOversize);
}
