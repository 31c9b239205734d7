namespace AgbCode.Client.Streaming;

/// <summary>A stream ended without its end frame: remote error frame, protocol violation, or the connection was lost.</summary>
internal sealed class WsStreamException(string message) : Exception(message);
