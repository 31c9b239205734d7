using System.Text.Json.Nodes;
using AgbCode.Core.Contexts;
using AgbCode.Server.Auth;
using AgbCode.Server.Contexts;

namespace AgbCode.Server.Api;

/// <summary>
/// The contexts themselves, as the SDKs' <c>agb.context.*</c> call them (agb-tools.md §5): ListContexts, GetContext
/// (with allowCreate), ModifyContext, DeleteContext, ClearContext. Parameters come in the query string; the tenant's
/// store answers, so another tenant's context is a missing one.
/// </summary>
public static class ContextRoutes
{
    public const int DefaultPageSize = 10;
    public const int MaxPageSize = 100;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/sdk/ListContexts", ListAsync).RequireApiKey();
        app.MapGet("/sdk/GetContext", GetAsync).RequireApiKey();
        app.MapPost("/sdk/ModifyContext", ModifyAsync).RequireApiKey();
        app.MapPost("/sdk/DeleteContext", DeleteAsync).RequireApiKey();
        app.MapPost("/sdk/ClearContext", ClearAsync).RequireApiKey();
    }

    /// <summary>
    /// A context as GetContext answers it (ListContexts gives the same fields). The session that mounts it is named by
    /// its API id, which the server gives the engine as the holder's name, so any instance that sees the context names
    /// it alike.
    /// </summary>
    public static JsonObject View(ContextInfo context)
    {
        var view = new JsonObject
        {
            ["id"] = context.Id,
            ["name"] = context.Name,
            ["createTime"] = WireJson.Time(context.CreatedAt),
            ["lastUsedTime"] = context.LastUsedAt is DateTimeOffset used ? WireJson.Time(used) : "",
            ["state"] = context.State,
        };
        if (context.MountedBy is string session)
            view[ContextInfo.MountedByWireField] = session;
        if (context.SizeBytes is long size)
            view[ContextInfo.SizeBytesWireField] = size;
        if (context.UsedBytes is long usedBytes)
            view[ContextInfo.UsedBytesWireField] = usedBytes;
        return view;
    }

    // Newest first, paged by a token holding the last item's (creation time, id); data is an array, as the SDKs read it.
    private static async Task<IResult> ListAsync(HttpContext context, TenantContexts contexts)
    {
        IQueryCollection query = context.Request.Query;
        int pageSize = Paging.Size(query["maxResults"], DefaultPageSize, MaxPageSize);
        (long Ticks, string Id)? after = Paging.DecodeTimeToken(query["nextToken"], "ListContexts");
        ContextInfo[] all = [.. (await contexts.Of(context.Tenant()).ListAsync(context.RequestAborted))
            .OrderByDescending(c => c.CreatedAt).ThenBy(c => c.Id, StringComparer.Ordinal)];
        ContextInfo[] page = [.. all.Where(c => after is not { } key || IsAfter(c, key)).Take(pageSize + 1)];
        bool more = page.Length > pageSize;
        if (more)
            page = page[..pageSize];
        return Envelope.Ok(context, new JsonArray([.. page.Select(c => (JsonNode)View(c))]), top =>
        {
            top["nextToken"] = more ? Paging.EncodeToken(page[^1].CreatedAt, page[^1].Id) : "";
            top["maxResults"] = pageSize;
            top["totalCount"] = all.Length;
        });
    }

    private static async Task<IResult> GetAsync(HttpContext context, TenantContexts contexts)
    {
        IQueryCollection query = context.Request.Query;
        string? id = NonEmpty(query["id"]);
        string? name = NonEmpty(query["name"]);
        bool allowCreate = string.Equals(query["allowCreate"], "true", StringComparison.OrdinalIgnoreCase);
        IContextStore store = contexts.Of(context.Tenant());
        string wanted = id ?? name ?? throw ApiError.MissingParameter("id' or 'name", "GetContext query string");
        ContextInfo? found = await store.GetAsync(wanted, context.RequestAborted);
        if (found is null && allowCreate && id is null)
            found = await CreateAsync(store, name!, context.RequestAborted);
        return Envelope.Ok(context, View(found ?? throw ContextErrors.NotFound(wanted)));
    }

    // Two callers asking for the same new name at once: the one that loses the race gets the winner's context.
    private static async Task<ContextInfo> CreateAsync(IContextStore store, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await store.CreateAsync(name, cancellationToken);
        }
        catch (AgbCode.Core.Errors.AgbException error) when (error.ErrorId == ContextErrors.ExistsId)
        {
            ContextInfo? winner = await store.GetAsync(name, cancellationToken);
            if (winner is null)
                throw;
            return winner;
        }
    }

    // The contract has no rename: the same name is a no-op, any other a refusal that says what to do instead.
    private static async Task<IResult> ModifyAsync(HttpContext context, TenantContexts contexts)
    {
        ContextInfo found = await FindAsync(context, contexts, "id");
        string? name = NonEmpty(context.Request.Query["name"]);
        if (name is not null && !string.Equals(name, found.Name, StringComparison.Ordinal))
            throw new ApiError(400, "InvalidAction.NotSupported",
                $"Contexts cannot be renamed on this server (context '{found.Name}' keeps its name). Create a context named " +
                $"'{AgbCode.Core.Display.InertText.OneLine(name, 80)}' (GetContext with allowCreate=true), copy the files over, and delete the old one.");
        return Envelope.Ok(context, View(found));
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, TenantContexts contexts)
    {
        string id = Required(context, "id");
        if (!await contexts.Of(context.Tenant()).DeleteAsync(id, context.RequestAborted))
            throw ContextErrors.NotFound(id);
        return Envelope.Ok(context, null);
    }

    // Removes every file; the context stays. Refused while a session has it mounted, as deleting is.
    private static async Task<IResult> ClearAsync(HttpContext context, TenantContexts contexts)
    {
        ContextInfo found = await FindAsync(context, contexts, "id");
        await using IContextFiles files = await contexts.Of(context.Tenant()).OpenFilesAsync(found.Id, context.RequestAborted);
        foreach (var item in await files.Files.ListAsync("/", recurse: false, context.RequestAborted))
            await files.Files.RemoveAsync("/" + item.Name, recurse: true, context.RequestAborted);
        return Envelope.Ok(context, View(found));
    }

    private static async Task<ContextInfo> FindAsync(HttpContext context, TenantContexts contexts, string parameter)
    {
        string id = Required(context, parameter);
        return await contexts.Of(context.Tenant()).GetAsync(id, context.RequestAborted) ?? throw ContextErrors.NotFound(id);
    }

    internal static string Required(HttpContext context, string parameter) =>
        NonEmpty(context.Request.Query[parameter]) ?? throw ApiError.MissingParameter(parameter, "query string");

    internal static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool IsAfter(ContextInfo context, (long Ticks, string Id) key)
    {
        int byTime = key.Ticks.CompareTo(context.CreatedAt.UtcTicks);   // newest first: "after" is older
        return byTime != 0 ? byTime > 0 : string.CompareOrdinal(context.Id, key.Id) > 0;
    }
}
