using AgbCode.Client.Http;

namespace AgbCode.Client.Routes;

/// <summary>
/// run_code by the direct route: <c>POST {linkUrl}/callTool</c> with the session token in <c>X-Access-Token</c> and
/// <c>args</c> as an object (§3.3).
/// </summary>
internal sealed class LinkUrlRoute(ApiTransport transport, Uri linkUrl, string token, string server, AgbClientOptions options)
    : ToolRunRoute(new LinkToolChannel(transport, linkUrl, token), server, options);
