using System.Text.Json;
using AgbCode.Client.Parsing;

namespace AgbCode.Client.Http;

/// <summary>
/// What CreateSession and GetSession say about a session: its URLs, its access token, its tools and (from the local
/// engine service only) its protections. The token is a secret: it is never shown.
/// </summary>
internal sealed record SessionDetails(string SessionId, string? ResourceUrl, string? Status, Uri? LinkUrl, Uri? WsUrl, string? Token,
    IReadOnlyList<McpTool> Tools, IReadOnlyList<Core.Sessions.Protection> Protections)
{
    public static SessionDetails From(JsonElement? data, string fallbackId)
    {
        string? Text(params string[] names) => Json.StrOrNull(Json.GetAny(data, names)) is { Length: > 0 } s ? s : null;
        return new SessionDetails(
            Text("sessionId", "SessionId") ?? fallbackId,
            Text("resourceUrl", "ResourceUrl"),
            Text("status", "Status"),
            AbsoluteUrl(Text("linkUrl", "LinkUrl"), "http", "https"),
            AbsoluteUrl(Text("wsUrl", "WsUrl"), "ws", "wss"),
            Text("token", "Token"),
            ToolList.Parse(Json.GetAny(data, "toolList", "ToolList")),
            ServiceIsolation.Parse(Json.Get(data, "isolation")));
    }

    public string? RunCodeServer => ToolList.RunCodeServer(Tools);

    public override string ToString() => SessionId;

    // A WebSocket URL given as http(s) means the same host and path.
    private static Uri? AbsoluteUrl(string? text, string plain, string secure)
    {
        if (text is null || !Uri.TryCreate(text, UriKind.Absolute, out Uri? uri))
            return null;
        if (uri.Scheme == plain || uri.Scheme == secure)
            return uri;
        string? mapped = (plain, uri.Scheme) switch
        {
            ("ws", "http") => "ws",
            ("ws", "https") => "wss",
            _ => null,
        };
        return mapped is null ? null : new UriBuilder(uri) { Scheme = mapped, Port = uri.IsDefaultPort ? -1 : uri.Port }.Uri;
    }
}
