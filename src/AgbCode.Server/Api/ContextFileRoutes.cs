using System.Text.Json.Nodes;
using AgbCode.Core.Files;
using AgbCode.Server.Auth;
using AgbCode.Server.Config;
using AgbCode.Server.Contexts;
using AgbCode.Server.Sessions;

namespace AgbCode.Server.Api;

/// <summary>
/// A context's files through the API key (agb-tools.md §4–5): DescribeContextFiles, DeleteContextFile, the signed upload
/// and download URLs (served by <see cref="SignedFileRoutes"/>), and GetAndLoadInternalContext, which names a session's
/// file-transfer context: its files are the session's own, at their absolute paths.
/// </summary>
public static class ContextFileRoutes
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/sdk/DescribeContextFiles", DescribeAsync).RequireApiKey();
        app.MapPost("/sdk/DeleteContextFile", DeleteAsync).RequireApiKey();
        app.MapPost("/sdk/GetContextFileUploadUrl", (HttpContext c, ContextFileAccess a, ContextUrlSigner s, PublicUrls u) => UrlAsync(c, a, s, u, "PUT"))
            .RequireApiKey();
        app.MapPost("/sdk/GetContextFileDownloadUrl", (HttpContext c, ContextFileAccess a, ContextUrlSigner s, PublicUrls u) => UrlAsync(c, a, s, u, "GET"))
            .RequireApiKey();
        app.MapPost("/sdk/GetAndLoadInternalContext", LoadInternalAsync).RequireApiKey();
    }

    private static async Task<IResult> DescribeAsync(HttpContext context, ContextFileAccess access, ServerOptions options)
    {
        IQueryCollection query = context.Request.Query;
        int page = Paging.Size(query["pageNumber"], 1, int.MaxValue / MaxPageSize);
        int pageSize = Paging.Size(query["pageSize"], DefaultPageSize, MaxPageSize);
        string folder = ContextPaths.Absolute(query["parentFolderPath"], "parentFolderPath");
        await using ContextFilesLease lease = await access.OpenAsync(context.Tenant(), ContextRoutes.Required(context, "contextId"), context.RequestAborted);
        string where = lease.PathOf(folder, "parentFolderPath");
        IReadOnlyList<WorkspaceItem> items = await lease.Files.GetItemAsync(where, context.RequestAborted) is { IsDirectory: true }
            ? await lease.Files.ListAsync(where, recurse: false, context.RequestAborted)
            : [];
        if (items.Count > options.MaxListEntries)
            throw ApiError.BadParameter($"'{folder}' holds {items.Count} entries, more than one listing visits (AGBCODE_MAX_LIST_ENTRIES = {options.MaxListEntries}). List a folder below it.");
        var data = new JsonArray([.. items.OrderBy(i => i.Name, StringComparer.Ordinal).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(i => (JsonNode)File(folder, i))]);
        return Envelope.Ok(context, data, top =>
        {
            top["count"] = items.Count;
            top["pageNumber"] = page;
            top["pageSize"] = pageSize;
        });
    }

    private static JsonObject File(string folder, WorkspaceItem item)
    {
        string path = ContextPaths.Under(folder, [item.Name]);
        string time = WireJson.Time(item.LastWriteTime);
        return new JsonObject
        {
            ["fileId"] = path,
            ["fileName"] = item.Name,
            ["filePath"] = path,
            ["fileType"] = item.IsDirectory ? "directory" : "file",
            ["gmtCreate"] = time,
            ["gmtModified"] = time,
            ["size"] = item.Length,
            ["status"] = "available",
        };
    }

    // A file-transfer context's files are the session's own: the SDKs delete "the context's copy" after a transfer,
    // and here that would be the file just transferred, so it is kept (there is no other copy to delete).
    private static async Task<IResult> DeleteAsync(HttpContext context, ContextFileAccess access)
    {
        await using ContextFilesLease lease = await access.OpenAsync(context.Tenant(), ContextRoutes.Required(context, "contextId"), context.RequestAborted);
        string path = lease.PathOf(ContextRoutes.Required(context, "filePath"), "filePath");
        if (!lease.IsTransfer && !await lease.Files.RemoveAsync(path, recurse: false, context.RequestAborted))
            throw new ApiError(400, AgbCode.Core.Errors.WorkspaceErrors.ItemNotFound,
                $"There is no file '{AgbCode.Core.Display.InertText.OneLine(path, 200)}' in context {lease.ContextId}. List its files with DescribeContextFiles.");
        return Envelope.Ok(context, null);
    }

    private static async Task<IResult> UrlAsync(HttpContext context, ContextFileAccess access, ContextUrlSigner signer, PublicUrls urls, string method)
    {
        string tenant = context.Tenant();
        string contextId = await access.ResolveAsync(tenant, ContextRoutes.Required(context, "contextId"), context.RequestAborted);
        string path = ContextPaths.Absolute(ContextRoutes.Required(context, "filePath"), "filePath");
        if (path == "/")
            throw ApiError.BadParameter("'filePath' names the context's root; name a file in it, e.g. /data/train.csv.");
        SignedFileGrant grant = signer.Grant(method, tenant, contextId, path);
        string url = $"{urls.Base(context)}{SignedFileRoutes.Path}?{ContextUrlSigner.TokenParameter}={signer.Sign(grant)}";
        return Envelope.Ok(context, new JsonObject { ["url"] = url, ["expireTime"] = grant.Expires.ToUnixTimeSeconds() });
    }

    private static IResult LoadInternalAsync(HttpContext context, SessionRegistry registry)
    {
        string sessionId = ContextRoutes.Required(context, "sessionId");
        HostedSession session = registry.Find(context.Tenant(), sessionId) ?? throw ApiError.SessionNotFound(sessionId);
        string types = context.Request.Query["contextTypes"].FirstOrDefault() ?? $"[\"{ContextFileAccess.TransferType}\"]";
        if (!types.Contains(ContextFileAccess.TransferType, StringComparison.Ordinal))
            throw ApiError.BadParameter($"contextTypes {AgbCode.Core.Display.InertText.OneLine(types, 80)} names no type this server offers: " +
                                        $"the internal context of a session is [\"{ContextFileAccess.TransferType}\"].");
        return Envelope.Ok(context, new JsonArray(new JsonObject
        {
            ["contextId"] = ContextFileAccess.TransferIdOf(session.Id),
            ["contextType"] = ContextFileAccess.TransferType,
            ["contextPath"] = ContextFileAccess.TransferPath,
        }));
    }
}
