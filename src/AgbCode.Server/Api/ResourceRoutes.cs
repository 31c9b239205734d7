using System.Globalization;
using System.Text.Json.Nodes;
using AgbCode.Server.Auth;
using AgbCode.Server.Sessions;

namespace AgbCode.Server.Api;

/// <summary>
/// GetMcpResource (the SDKs' <c>session.info()</c>) and GetLink (<c>session.getLink()</c>). Sessions here have no
/// desktop and no network, so info carries no desktopInfo and GetLink offers the session's own links, never a port in it.
/// Neither resets the idle timer.
/// </summary>
public static class ResourceRoutes
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/mcp/getMcpResource", InfoAsync).RequireApiKey();
        app.MapGet("/internet/getLink", LinkAsync).RequireApiKey();
    }

    private static async Task<IResult> InfoAsync(HttpContext context, SessionRegistry registry, SessionView view)
    {
        HostedSession session = await SessionRoutes.FindAsync(context, registry);
        return Envelope.Ok(context, view.Resource(context, session));
    }

    private static async Task<IResult> LinkAsync(HttpContext context, SessionRegistry registry, SessionView view)
    {
        HostedSession session = await SessionRoutes.FindAsync(context, registry);
        IQueryCollection query = context.Request.Query;
        if (query["port"].FirstOrDefault() is { Length: > 0 } port)
            throw ApiError.BadParameter(
                $"GetLink cannot offer port {port}: sessions on this server have no network, so nothing listening inside one can be reached " +
                "from outside. Leave out port to get the session's own link (protocolType https or http: the tool link; wss or ws: the stream link).");
        string protocol = (query["protocolType"].FirstOrDefault() ?? "").Trim().ToLowerInvariant();
        JsonObject links = view.Resource(context, session);
        JsonNode? url = protocol switch
        {
            "" or "http" or "https" => links["linkUrl"],
            "ws" or "wss" => links["wsUrl"],
            _ => throw ApiError.BadParameter(string.Create(CultureInfo.InvariantCulture,
                $"protocolType '{protocol}' is not offered: use https or http for the session's tool link, or wss or ws for its stream link.")),
        };
        return Envelope.Ok(context, new JsonObject { ["url"] = url?.DeepClone() });
    }
}
