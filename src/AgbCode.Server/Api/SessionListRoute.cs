using System.Text.Json.Nodes;
using AgbCode.Server.Auth;
using AgbCode.Server.Cluster;

namespace AgbCode.Server.Api;

/// <summary>
/// ListSession: the tenant's live sessions (on every instance of a cluster), oldest first, optionally filtered by labels,
/// in pages of maxResults (default 10) chained by nextToken. The token is the sort key of the page's last session, so a
/// page stays correct when sessions come and go between calls.
/// </summary>
public static class SessionListRoute
{
    public const int DefaultPageSize = 10;
    public const int MaxPageSize = 100;

    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/sdk/ListSession", ListAsync).RequireApiKey();

    private static async Task<IResult> ListAsync(HttpContext context, ClusterListing listing)
    {
        IQueryCollection query = context.Request.Query;
        int pageSize = Paging.Size(query["maxResults"], DefaultPageSize, MaxPageSize);
        IReadOnlyDictionary<string, string> filter = Labels.Filter(context.Request);
        ListedSession? after = Paging.DecodeTimeToken(query["nextToken"], "ListSession") is var (ticks, id) ? new ListedSession(ticks, id) : null;

        ListedSession[] matching = await listing.ListAsync(context, filter);
        ListedSession[] page = [.. matching.Where(s => after is null || s.CompareTo(after) > 0).Take(pageSize + 1)];
        bool more = page.Length > pageSize;
        if (more)
            page = page[..pageSize];
        var data = new JsonArray([.. page.Select(s => (JsonNode)new JsonObject { ["sessionId"] = s.Id, ["sessionStatus"] = SessionView.Running })]);
        return Envelope.Ok(context, data, top =>
        {
            top["nextToken"] = more ? Paging.EncodeToken(new DateTimeOffset(page[^1].CreatedTicks, TimeSpan.Zero), page[^1].Id) : "";
            top["maxResults"] = pageSize;
            top["count"] = matching.Length;
        });
    }
}
