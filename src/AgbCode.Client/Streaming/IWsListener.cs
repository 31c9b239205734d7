using System.Text.Json;

namespace AgbCode.Client.Streaming;

/// <summary>Receives the frames of one invocation, on the connection's receive loop, in order.</summary>
internal interface IWsListener
{
    /// <summary>A frame's <c>data</c> object.</summary>
    void OnData(JsonElement data);

    /// <summary>The invocation can get no more frames (connection lost, protocol error).</summary>
    void OnFailure(WsStreamException failure);
}
