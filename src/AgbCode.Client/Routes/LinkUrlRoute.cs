using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AgbCode.Client.Http;
using AgbCode.Client.Parsing;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;

namespace AgbCode.Client.Routes;

/// <summary>
/// The direct route: <c>POST {linkUrl}/callTool</c> with the session token in <c>X-Access-Token</c> and <c>args</c> as an
/// object (§3.3).
/// </summary>
internal sealed class LinkUrlRoute(ApiTransport transport, Uri linkUrl, string token, string server, AgbClientOptions options)
    : HttpRunRoute(options)
{
    private readonly Uri _callTool = new(linkUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/callTool" + linkUrl.Query);

    public override string Name => "LinkUrl (POST {linkUrl}/callTool)";

    protected override async Task<EnhancedCodeExecutionResult> CallAsync(RunRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string requestId = NewRequestId();
        using var message = new HttpRequestMessage(HttpMethod.Post, _callTool);
        message.Headers.Add("X-Access-Token", token);
        message.Content = new StringContent(Json.Serialize(new Dictionary<string, object>
        {
            ["args"] = Args(request),
            ["server"] = server,
            ["requestId"] = requestId,
            ["tool"] = "run_code",
            ["token"] = token,
        }), Encoding.UTF8, "application/json");

        string shown = Redact.Url(_callTool);
        (int status, JsonElement? body, _, _) = await transport.SendRawAsync(message, shown, "callTool", timeout, cancellationToken).ConfigureAwait(false);
        if (status is 401 or 403)
            throw AgbErrors.TokenRefused(shown, status);
        if (status is < 200 or >= 300)
            return RunCodeResultParser.Failed(requestId, $"HTTP request failed with code: {status}");
        if (body is not { ValueKind: JsonValueKind.Object } json)
            return RunCodeResultParser.Failed(requestId, "HTTP request failed: the answer is not a JSON object");
        ToolOutput output = ToolOutput.FromLinkUrl(json);
        return output.Failed ? RunCodeResultParser.Failed(requestId, output.Text) : RunCodeResultParser.Parse(output.Text, requestId);
    }

    /// <summary>The SDK's synthetic id: <c>link-&lt;epoch ms&gt;-&lt;9 digits&gt;</c>.</summary>
    internal static string NewRequestId() =>
        $"link-{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}-{RandomNumberGenerator.GetInt32(0, 1_000_000_000):D9}";
}
