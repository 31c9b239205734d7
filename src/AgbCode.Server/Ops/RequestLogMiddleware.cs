using System.Diagnostics;

namespace AgbCode.Server.Ops;

/// <summary>
/// One structured log line per request (method, route path, status, duration; never headers, bodies or query strings,
/// where keys and tokens travel), and the request id in the x-request-id header. The request id is Kestrel's
/// TraceIdentifier, which the envelope's requestId and every log line's RequestId scope also carry.
/// </summary>
public sealed class RequestLogMiddleware(RequestDelegate next, ILogger<RequestLogMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            context.Response.Headers["x-request-id"] = context.TraceIdentifier;
            return Task.CompletedTask;
        });
        long start = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            logger.LogInformation("{Method} {Path} answered {Status} in {DurationMs:0.0} ms",
                context.Request.Method, context.Request.Path.Value, context.Response.StatusCode, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }
}
