using System.Globalization;
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
        ListedSession? after = DecodeToken(query["nextToken"]);

        ListedSession[] matching = await listing.ListAsync(context, filter);
        ListedSession[] page = [.. matching.Where(s => after is null || s.CompareTo(after) > 0).Take(pageSize + 1)];
        bool more = page.Length > pageSize;
        if (more)
            page = page[..pageSize];
        var data = new JsonArray([.. page.Select(s => (JsonNode)new JsonObject { ["sessionId"] = s.Id, ["sessionStatus"] = SessionView.Running })]);
        return Envelope.Ok(context, data, top =>
        {
            top["nextToken"] = more ? EncodeToken(page[^1]) : "";
            top["maxResults"] = pageSize;
            top["count"] = matching.Length;
        });
    }

    private static string EncodeToken(ListedSession last) =>
        Paging.EncodeToken(string.Create(CultureInfo.InvariantCulture, $"{last.CreatedTicks}:{last.Id}"));

    private static ListedSession? DecodeToken(string? token)
    {
        if (Paging.DecodeToken(token, "ListSession") is not string text)
            return null;
        int colon = text.IndexOf(':');
        return colon > 0 && long.TryParse(text[..colon], NumberStyles.Integer, CultureInfo.InvariantCulture, out long ticks)
            ? new ListedSession(ticks, text[(colon + 1)..])
            : throw Paging.InvalidToken("ListSession");
    }
}
