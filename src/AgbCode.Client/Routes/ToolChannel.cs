using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AgbCode.Client.Http;
using AgbCode.Client.Parsing;

namespace AgbCode.Client.Routes;

/// <summary>What one tool call answered: the request's id, and the tool's text or why the call failed.</summary>
internal sealed record ToolReply(string RequestId, bool Failed, string Text);

/// <summary>
/// One of the two HTTP ways to call a session's tool (§1 of the tools reference): the API route (CallMcpTool) or the
/// LinkUrl route. Transport failures, a refused key or token, and a gone session throw; a tool failure is a reply.
/// </summary>
internal abstract class ToolChannel
{
    public abstract string Name { get; }

    public abstract Task<ToolReply> CallAsync(string tool, string? server, object args, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>CallMcpTool: <c>POST /mcp</c> with the API key, <c>args</c> as a JSON string.</summary>
internal sealed class ApiToolChannel(AgbApi api, string sessionId) : ToolChannel
{
    public override string Name => "API (POST /mcp)";

    public override async Task<ToolReply> CallAsync(string tool, string? server, object args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ApiResponse response = await api.CallToolAsync(sessionId, tool, args, timeout, cancellationToken).ConfigureAwait(false);
        ToolOutput output = ToolOutput.FromCallMcpTool(response.Data);
        if (response.HttpStatus == 200 && response.Success && !output.Failed)
            return new(response.RequestId, false, output.Text);
        if (!response.Success && response.IsSessionNotFound)
            throw AgbErrors.NotFound(sessionId, api.Transport.EndpointText);
        // the SDKs' order: the envelope's message outranks the tool's text
        string message = response.Message.Length > 0 && !response.Success ? response.Message
            : output.Text.Length > 0 ? output.Text
            : response.Message.Length > 0 ? response.Message
            : $"Failed to call {tool} (HTTP {response.HttpStatus})";
        return new(response.RequestId, true, message);
    }
}

/// <summary><c>POST {linkUrl}/callTool</c> with the session token in <c>X-Access-Token</c> and <c>args</c> as an object.</summary>
internal sealed class LinkToolChannel(ApiTransport transport, Uri linkUrl, string token) : ToolChannel
{
    private readonly Uri _callTool = new(linkUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/callTool" + linkUrl.Query);

    public override string Name => "LinkUrl (POST {linkUrl}/callTool)";

    public override async Task<ToolReply> CallAsync(string tool, string? server, object args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string requestId = NewRequestId();
        using var message = new HttpRequestMessage(HttpMethod.Post, _callTool);
        message.Headers.Add("X-Access-Token", token);
        message.Content = new StringContent(Json.Serialize(new Dictionary<string, object>
        {
            ["args"] = args,
            ["server"] = server ?? "",
            ["requestId"] = requestId,
            ["tool"] = tool,
            ["token"] = token,
        }), Encoding.UTF8, "application/json");

        string shown = Redact.Url(_callTool);
        (int status, JsonElement? body, _, _) = await transport.SendRawAsync(message, shown, "callTool", timeout, cancellationToken).ConfigureAwait(false);
        if (status is 401 or 403)
            throw AgbErrors.TokenRefused(shown, status);
        if (status is < 200 or >= 300)
            return new(requestId, true, $"HTTP request failed with code: {status}");
        if (body is not { ValueKind: JsonValueKind.Object } json)
            return new(requestId, true, "HTTP request failed: the answer is not a JSON object");
        ToolOutput output = ToolOutput.FromLinkUrl(json);
        return new(requestId, output.Failed, output.Text);
    }

    /// <summary>The SDK's synthetic id: <c>link-&lt;epoch ms&gt;-&lt;9 digits&gt;</c>.</summary>
    internal static string NewRequestId() =>
        $"link-{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}-{RandomNumberGenerator.GetInt32(0, 1_000_000_000):D9}";
}
