using System.Text.Json.Nodes;
using AgbCode.Server.Auth;
using AgbCode.Server.Sessions;

namespace AgbCode.Server.Api;

/// <summary>
/// SetLabel and GetLabel on a live session, as the SDKs' setLabels / getLabels call them: the labels travel as a JSON
/// string, in the query (<c>Labels</c>, capital L) on the way in and in <c>data.labels</c> on the way out. Like
/// GetSessionDetail and ListSession they do not reset the idle timer: reading a session's labels must not keep it alive.
/// </summary>
public static class LabelRoutes
{
    /// <summary>GetLabel's page size when maxResults is absent: every label a session can hold.</summary>
    public const int DefaultPageSize = Labels.MaxCount;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/sdk/SetLabel", SetAsync).RequireApiKey();
        app.MapGet("/sdk/GetLabel", GetAsync).RequireApiKey();
    }

    private static async Task<IResult> SetAsync(HttpContext context, SessionRegistry registry)
    {
        HostedSession session = await SessionRoutes.FindAsync(context, registry);
        string? sent = context.Request.Query["Labels"].FirstOrDefault() ?? context.Request.Query["labels"].FirstOrDefault();
        if (sent is null)
            throw ApiError.MissingParameter("Labels", "SetLabel query string (a JSON object of string labels)");
        IReadOnlyDictionary<string, string> labels = Labels.Parse(JsonValue.Create(sent), "Labels");
        if (labels.Count == 0)
            throw ApiError.BadParameter("'Labels' holds no label. SetLabel replaces a session's labels with at least one; send e.g. {\"team\":\"data\"}.");
        session.ReplaceLabels(labels);
        return Envelope.Ok(context, null);
    }

    private static async Task<IResult> GetAsync(HttpContext context, SessionRegistry registry)
    {
        HostedSession session = await SessionRoutes.FindAsync(context, registry);
        IQueryCollection query = context.Request.Query;
        int pageSize = Paging.Size(query["maxResults"], DefaultPageSize, Labels.MaxCount);
        string? after = Paging.DecodeToken(query["nextToken"], "GetLabel");
        KeyValuePair<string, string>[] sorted = [.. session.Labels.OrderBy(l => l.Key, StringComparer.Ordinal)];
        KeyValuePair<string, string>[] page = [.. sorted.Where(l => after is null || string.CompareOrdinal(l.Key, after) > 0).Take(pageSize + 1)];
        bool more = page.Length > pageSize;
        if (more)
            page = page[..pageSize];
        var labels = new JsonObject();
        foreach (var (key, value) in page)
            labels[key] = value;
        return Envelope.Ok(context, new JsonObject
        {
            ["labels"] = labels.ToJsonString(WireJson.Options),
            ["nextToken"] = more ? Paging.EncodeToken(page[^1].Key) : "",
            ["maxResults"] = pageSize,
            ["count"] = sorted.Length,
        });
    }
}
