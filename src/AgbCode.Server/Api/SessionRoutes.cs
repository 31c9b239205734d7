using System.Text.Json;
using System.Text.Json.Nodes;
using AgbCode.Core.Sessions;
using SessionOptions = AgbCode.Core.Sessions.SessionOptions;
using AgbCode.Server.Auth;
using AgbCode.Server.Cluster;
using AgbCode.Server.Config;
using AgbCode.Server.Sessions;

namespace AgbCode.Server.Api;

/// <summary>
/// Session lifecycle: CreateSession, GetSession, GetSessionDetail (getSessionInfo), DeleteSessionAsync
/// (releaseSessionAsync), ReleaseSession, RefreshSessionIdleTime.
/// </summary>
public static class SessionRoutes
{
    public static void Map(IEndpointRouteBuilder app)
    {
        RouteGroupBuilder mcp = app.MapGroup("/mcp");
        mcp.MapPost("/createSession", CreateAsync).RequireApiKey();
        mcp.MapPost("/getSession", GetAsync).RequireApiKey();
        mcp.MapPost("/getSessionInfo", DetailAsync).RequireApiKey();
        mcp.MapPost("/releaseSessionAsync", ReleaseAsync).RequireApiKey();
        mcp.MapPost("/releaseSession", ReleaseAsync).RequireApiKey();
        mcp.MapPost("/refreshSessionIdleTime", RefreshAsync).RequireApiKey();
    }

    private static async Task<IResult> CreateAsync(HttpContext context, SessionRegistry registry, SessionView view, ServerOptions options,
        Contexts.TenantContexts contexts, Placement placement, Forwarder forwarder)
    {
        JsonObject body = await JsonBody.ReadObjectAsync(context.Request);
        string imageId = ImageId(context.Request.Query["imageId"].FirstOrDefault() ?? JsonBody.OptionalString(body, "imageId"));
        IReadOnlyDictionary<string, string> labels = Labels.Parse(body["labels"], "labels");
        TimeSpan idle = IdleTimeout(body["timeout"], options);
        NetworkAllowList network = Network(body[NetworkField], context.Tenant(), options);
        var mounts = await Contexts.PersistenceData.ParseAsync(body[Contexts.PersistenceData.Field], contexts, context.Tenant(), context.RequestAborted);
        // Contexts live on the instance that holds them, so a session that mounts one is made here.
        if (mounts.Count == 0 && await placement.ChooseAsync(context) is PeerStatus peer
            && await forwarder.ForwardAsync(context, peer.BaseUrl, System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()), context.Tenant()))
            return Results.Empty;   // the peer answered (an unreachable one leaves the session to this instance)
        view.CheckUrls(context);
        HostedSession session = await registry.CreateAsync(context.Tenant(), imageId, labels, idle, network, context.RequestAborted, mounts);
        JsonObject data = view.Describe(context, session);
        data.Remove("status");
        data["errMsg"] = "";
        data["taskId"] = "";
        data["networkInterfaceIp"] = "";
        return Envelope.Ok(context, data);
    }

    private static async Task<IResult> GetAsync(HttpContext context, SessionRegistry registry, SessionView view)
    {
        HostedSession session = await FindAsync(context, registry);
        await session.Engine.KeepAliveAsync(context.RequestAborted);
        return Envelope.Ok(context, view.Describe(context, session));
    }

    // Status only; like the AGB cloud's, it does not reset the idle timer (polling it must not keep a session alive).
    private static async Task<IResult> DetailAsync(HttpContext context, SessionRegistry registry)
    {
        HostedSession session = await FindAsync(context, registry);
        return Envelope.Ok(context, new JsonObject { ["sessionId"] = session.Id, ["status"] = SessionView.Running });
    }

    private static async Task<IResult> ReleaseAsync(HttpContext context, SessionRegistry registry)
    {
        string id = JsonBody.RequiredSessionId(context.Request, await JsonBody.ReadObjectAsync(context.Request));
        if (!await registry.ReleaseAsync(context.Tenant(), id, "deleted"))
            throw ApiError.SessionNotFound(id);
        return Envelope.Ok(context, new JsonObject { ["sessionId"] = id });
    }

    private static async Task<IResult> RefreshAsync(HttpContext context, SessionRegistry registry)
    {
        HostedSession session = await FindAsync(context, registry);
        await session.Engine.KeepAliveAsync(context.RequestAborted);
        return Envelope.Ok(context, null);
    }

    /// <summary>The caller's session named by sessionId (body, else query); another tenant's is NotFound, as a missing one.</summary>
    internal static async Task<HostedSession> FindAsync(HttpContext context, SessionRegistry registry)
    {
        string id = JsonBody.RequiredSessionId(context.Request, await JsonBody.ReadObjectAsync(context.Request));
        return registry.Find(context.Tenant(), id) ?? throw ApiError.SessionNotFound(id);
    }

    /// <summary>The image asked for, absent meaning the default one; the engine checks that it offers it.</summary>
    public static string ImageId(string? requested) =>
        string.IsNullOrWhiteSpace(requested) ? SessionOptions.DefaultImage : requested.Trim();

    /// <summary>AgbCode's extension of CreateSession: the network allow-list, for tenants the operator lets ask for one.</summary>
    public const string NetworkField = NetworkAllowList.WireField;

    private static NetworkAllowList Network(JsonNode? node, string tenant, ServerOptions options)
    {
        if (node is null)
            return NetworkAllowList.None;
        if (node is not JsonArray array || array.Any(e => e is not JsonValue value || value.GetValueKind() != JsonValueKind.String))
            throw ApiError.BadParameter($"'{NetworkField}' is the session's network allow-list: an array of \"host:port\" strings. {NetworkAllowList.Grammar}");
        if (array.Count == 0)
            return NetworkAllowList.None;
        if (!options.NetworkTenants.Contains(tenant))
            throw new ApiError(403, "NetworkNotAllowed",
                $"Tenant '{tenant}' may not give its sessions a network: sessions have none unless the operator lists the tenant in " +
                $"{ServerOptions.Prefix}{ServerOptions.NetworkTenantsSetting} (docs/server.md). Create the session without '{NetworkField}', or ask the operator.");
        return NetworkAllowList.Parse(array.Select(e => e!.GetValue<string>()));
    }

    private static TimeSpan IdleTimeout(JsonNode? node, ServerOptions options)
    {
        if (node is null)
            return options.DefaultIdleTimeout;
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number || !value.TryGetValue(out long seconds)
            || seconds < 0 || seconds > options.MaxIdleTimeout.TotalSeconds)
            throw ApiError.BadParameter($"'timeout' is the idle release timeout in whole seconds, from 1 to {options.MaxIdleTimeout.TotalSeconds:0} " +
                                        "(AGBCODE_MAX_IDLE_TIMEOUT_SEC); leave it out (or 0) for the default.");
        return seconds == 0 ? options.DefaultIdleTimeout : TimeSpan.FromSeconds(seconds);
    }
}
