using Microsoft.AspNetCore.Http.Features;
using AgbCode.Server.Config;

namespace AgbCode.Server.Api;

/// <summary>
/// The largest request body a route accepts, as endpoint metadata; <see cref="BodyLimitMiddleware"/> applies it before
/// the route runs (so before any authentication), and routes without one accept no body worth the name.
/// </summary>
public sealed record BodyLimit(string Setting, Func<ServerOptions, long> Bytes)
{
    public static BodyLimit Api { get; } = new("AGBCODE_MAX_REQUEST_BYTES", o => o.MaxRequestBytes);
    public static BodyLimit Link { get; } = new("AGBCODE_MAX_LINK_REQUEST_BYTES", o => o.MaxLinkRequestBytes);
    /// <summary>Routes that take no body (GET routes, the WebSocket upgrade, unknown paths).</summary>
    public static BodyLimit None { get; } = new("none: this route takes no request body", _ => 16 * 1024);

    public static BodyLimit Of(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<BodyLimit>() ?? None;
}

/// <summary>
/// Sets each request's body cap from its route, and closes the connection after a refusal of a request that came with
/// a body: the server then neither reads nor keeps the rest of a body it has refused.
/// </summary>
public sealed class BodyLimitMiddleware(RequestDelegate next, ServerOptions options)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = BodyLimit.Of(context).Bytes(options);
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            context.Response.OnStarting(() =>
            {
                if (context.Response.StatusCode >= 400)
                    context.Response.Headers.Connection = "close";
                return Task.CompletedTask;
            });
        }
        return next(context);
    }
}
