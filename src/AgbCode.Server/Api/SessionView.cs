using System.Text.Json.Nodes;
using AgbCode.Server.Config;
using AgbCode.Server.Sessions;
using AgbCode.Server.Tools;

namespace AgbCode.Server.Api;

/// <summary>A session's fields as CreateSession and GetSession return them.</summary>
public sealed class SessionView(PublicUrls urls, ServerOptions options, ToolCatalog tools)
{
    /// <summary>What the AGB cloud reports for a session that is up.</summary>
    public const string Running = "RUNNING";

    /// <summary>Refuses, before a session is made, a request for which no trustworthy session URL can be built.</summary>
    public void CheckUrls(HttpContext context) => urls.Base(context);

    public JsonObject Describe(HttpContext context, HostedSession session)
    {
        string linkUrl = urls.LinkUrl(context, session.Id);
        var view = new JsonObject
        {
            ["sessionId"] = session.Id,
            ["appInstanceId"] = options.InstanceId,
            ["resourceId"] = session.Engine.Id,
            ["resourceUrl"] = $"{linkUrl}?resourceId={session.Engine.Id}",
            ["status"] = Running,
            ["success"] = true,
            ["linkUrl"] = linkUrl,
            ["wsUrl"] = urls.WsUrl(context, session.Id),
            ["token"] = session.AccessToken,
            ["toolList"] = tools.ToolsJson(),
        };
        if (Auth.PeerCredentialAuth.IsLocal(context))
            view[IsolationView.Field] = IsolationView.Describe(session.Engine.Isolation);
        return view;
    }

    /// <summary>
    /// GetMcpResource's data: what session.info() reads (sessionId, resourceUrl; no desktopInfo, there is no desktop)
    /// and the session's other public facts. Never the access token.
    /// </summary>
    public JsonObject Resource(HttpContext context, HostedSession session)
    {
        JsonObject data = Describe(context, session);
        foreach (string secretOrBulky in new[] { "token", "toolList", "success" })
            data.Remove(secretOrBulky);
        data["imageId"] = session.ImageId;
        data["createTime"] = WireJson.Time(session.CreatedAt);
        data["idleReleaseTimeout"] = (long)session.IdleTimeout.TotalSeconds;
        return data;
    }
}
