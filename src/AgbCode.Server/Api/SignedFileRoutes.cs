using AgbCode.Core.Files;
using AgbCode.Server.Config;
using AgbCode.Server.Contexts;

namespace AgbCode.Server.Api;

/// <summary>
/// The signed context-file URLs: PUT writes the file's raw bytes, GET reads them. The token in the query string is the
/// only credential (no API key; the request log never records query strings); it names the tenant, the context, the
/// file and the method, and expires (<see cref="ContextUrlSigner"/>). Uploads are capped at AGBCODE_CONTEXT_UPLOAD_MAX_BYTES.
/// </summary>
public static class SignedFileRoutes
{
    public const string Path = "/agbcode/context-file";

    public static readonly BodyLimit UploadLimit = new(ServerOptions.Prefix + ServerOptions.ContextUploadMaxBytesSetting, o => o.ContextUploadMaxBytes);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPut(Path, UploadAsync).WithMetadata(UploadLimit);
        app.MapGet(Path, DownloadAsync);
    }

    private static async Task<IResult> UploadAsync(HttpContext context, ContextUrlSigner signer, ContextFileAccess access, ServerOptions options)
    {
        SignedFileGrant grant = signer.Check(context.Request.Query[ContextUrlSigner.TokenParameter], "PUT");
        long length = context.Request.ContentLength ?? throw new ApiError(411, "MissingContentLength",
            "An upload URL takes the file's bytes with a Content-Length header (a chunked body is not accepted). Send the file as one body.");
        if (length > options.ContextUploadMaxBytes)
            throw new ApiError(413, "PayloadTooLarge",
                $"The file is {ApiError.Sizes(length)}; an upload URL accepts at most {ApiError.Sizes(options.ContextUploadMaxBytes)} " +
                $"({UploadLimit.Setting}). Split the file, or ask the operator to raise the setting.");
        await using ContextFilesLease lease = await access.OpenAsync(grant.Tenant, grant.ContextId, context.RequestAborted);
        await SingleFileTar.UploadAsync(lease.Files, lease.PathOf(grant.Path, "filePath"), context.Request.Body, length, context.RequestAborted);
        return Results.Ok();
    }

    private static async Task DownloadAsync(HttpContext context, ContextUrlSigner signer, ContextFileAccess access)
    {
        SignedFileGrant grant = signer.Check(context.Request.Query[ContextUrlSigner.TokenParameter], "GET");
        await using ContextFilesLease lease = await access.OpenAsync(grant.Tenant, grant.ContextId, context.RequestAborted);
        string path = lease.PathOf(grant.Path, "filePath");
        WorkspaceItem item = await lease.Files.GetItemAsync(path, context.RequestAborted)
            ?? throw new ApiError(404, AgbCode.Core.Errors.WorkspaceErrors.ItemNotFound,
                $"There is no file '{AgbCode.Core.Display.InertText.OneLine(grant.Path, 200)}' in context {grant.ContextId} any more. Upload it first.");
        if (item.IsDirectory || item.LinkTarget is not null)
            throw ApiError.BadParameter($"'{AgbCode.Core.Display.InertText.OneLine(grant.Path, 200)}' is not a regular file; a download URL reads one file.");
        await SingleFileTar.DownloadAsync(lease.Files, path, length =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = length;
            return context.Response.Body;
        }, context.RequestAborted);
    }
}
