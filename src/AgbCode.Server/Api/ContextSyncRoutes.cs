using System.Text.Json.Nodes;
using AgbCode.Server.Auth;
using AgbCode.Server.Contexts;
using AgbCode.Server.Sessions;

namespace AgbCode.Server.Api;

/// <summary>
/// SyncContext and GetContextInfo (<c>session.context.sync / info</c>). Contexts are mounted live and a file-transfer
/// context is the session's own files, so a sync has nothing to copy: it is recorded as done at once, or as failed
/// when the session has no such context, and GetContextInfo reports it with status exactly Success or Failed, in the
/// double-encoded shape the SDKs parse.
/// </summary>
public static class ContextSyncRoutes
{
    public const string Succeeded = "Success";
    public const string Failed = "Failed";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/sdk/SyncContext", SyncAsync).RequireApiKey();
        app.MapGet("/sdk/GetContextInfo", InfoAsync).RequireApiKey();
    }

    // Without contextId and path: every context the session has mounted (the SDKs' sync() with no arguments).
    private static async Task<IResult> SyncAsync(HttpContext context, SessionRegistry registry)
    {
        HostedSession session = await SessionRoutes.FindAsync(context, registry);
        IQueryCollection query = context.Request.Query;
        string? contextId = ContextRoutes.NonEmpty(query["contextId"]);
        string? path = ContextRoutes.NonEmpty(query["path"]);
        string mode = (ContextRoutes.NonEmpty(query["mode"]) ?? "upload").ToLowerInvariant();
        if (mode is not ("upload" or "download"))
            throw ApiError.BadParameter($"mode '{AgbCode.Core.Display.InertText.OneLine(mode, 40)}' is not a sync direction: use upload or download.");
        if ((contextId is null) != (path is null))
            throw ApiError.BadParameter("SyncContext takes contextId and path together (one context), or neither (every context the session has mounted).");
        IEnumerable<(string ContextId, string Path)> wanted = contextId is null
            ? session.Contexts.Mounted.Select(m => (m.ContextId, m.Path))
            : [(contextId, ContextPaths.Absolute(path, "path"))];
        foreach ((string id, string where) in wanted)
        {
            bool known = id == ContextFileAccess.TransferIdOf(session.Id) || session.Contexts.MountOf(id) is not null;
            session.Contexts.Record(new SyncTask(id, where, mode, known,
                known ? "" : $"Context {AgbCode.Core.Display.InertText.OneLine(id, 80)} is not mounted in session {session.Id}: mount it at CreateSession (persistenceDataList).",
                DateTimeOffset.UtcNow));
        }
        return Envelope.Ok(context, new JsonObject { ["sessionId"] = session.Id, ["mode"] = mode });
    }

    // Every mounted context is reported as a finished download (it was there at creation), then the syncs, filtered as asked.
    private static async Task<IResult> InfoAsync(HttpContext context, SessionRegistry registry)
    {
        HostedSession session = await SessionRoutes.FindAsync(context, registry);
        IQueryCollection query = context.Request.Query;
        string? contextId = ContextRoutes.NonEmpty(query["contextId"]);
        string? path = ContextRoutes.NonEmpty(query["path"]) is string p ? ContextPaths.Absolute(p, "path") : null;
        string? taskType = ContextRoutes.NonEmpty(query["taskType"]);
        IEnumerable<SyncTask> tasks = session.Contexts.Mounted
            .Select(m => new SyncTask(m.ContextId, m.Path, "download", true, "", session.CreatedAt))
            .Concat(session.Contexts.Tasks)
            .Where(t => (contextId is null || t.ContextId == contextId) && (path is null || t.Path == path) && (taskType is null || t.TaskType == taskType));
        var items = new JsonArray([.. tasks.Select(t => (JsonNode)new JsonObject
        {
            ["contextId"] = t.ContextId,
            ["path"] = t.Path,
            ["status"] = t.Succeeded ? Succeeded : Failed,
            ["taskType"] = t.TaskType,
            ["errorMessage"] = t.ErrorMessage,
            ["startTime"] = t.At.ToUnixTimeMilliseconds(),
            ["finishTime"] = t.At.ToUnixTimeMilliseconds(),
        })]);
        var status = new JsonArray(new JsonObject { ["type"] = "data", ["data"] = items.ToJsonString(WireJson.Options) });
        return Envelope.Ok(context, new JsonObject { ["contextStatus"] = status.ToJsonString(WireJson.Options) });
    }
}
