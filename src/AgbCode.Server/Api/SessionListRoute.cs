using System.Text.Json.Nodes;
using AgbCode.Server.Auth;
using AgbCode.Server.Sessions;

namespace AgbCode.Server.Api;

/// <summary>
/// ListSession: the tenant's live sessions, oldest first, optionally filtered by labels, in pages of maxResults
/// (default 10) chained by nextToken. The token is the sort key of the page's last session, so a page stays correct
/// when sessions come and go between calls.
/// </summary>
public static class SessionListRoute
{
    public const int DefaultPageSize = 10;
    public const int MaxPageSize = 100;

    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/sdk/ListSession", List).RequireApiKey();

    private static IResult List(HttpContext context, SessionRegistry registry)
    {
        IQueryCollection query = context.Request.Query;
        int pageSize = Paging.Size(query["maxResults"], DefaultPageSize, MaxPageSize);
        IReadOnlyDictionary<string, string> filter = Labels.Parse(query["labels"].FirstOrDefault() is { } labels ? JsonValue.Create(labels) : null, "labels");
        (long Ticks, string Id)? after = Paging.DecodeTimeToken(query["nextToken"], "ListSession");

        HostedSession[] matching = [.. registry.List(context.Tenant()).Where(s => Labels.Match(s.Labels, filter))];
        HostedSession[] page = [.. matching.Where(s => after is not { } key || Compare(s, key) > 0).Take(pageSize + 1)];
        bool more = page.Length > pageSize;
        if (more)
            page = page[..pageSize];
        var data = new JsonArray([.. page.Select(s => (JsonNode)new JsonObject { ["sessionId"] = s.Id, ["sessionStatus"] = SessionView.Running })]);
        return Envelope.Ok(context, data, top =>
        {
            top["nextToken"] = more ? Paging.EncodeToken(page[^1].CreatedAt, page[^1].Id) : "";
            top["maxResults"] = pageSize;
            top["count"] = matching.Length;
        });
    }

    private static int Compare(HostedSession session, (long Ticks, string Id) key)
    {
        int byTime = session.CreatedAt.UtcTicks.CompareTo(key.Ticks);
        return byTime != 0 ? byTime : string.CompareOrdinal(session.Id, key.Id);
    }
}
