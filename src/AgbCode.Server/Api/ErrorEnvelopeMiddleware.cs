using Microsoft.AspNetCore.Diagnostics;
using AgbCode.Core.Errors;
using AgbCode.Server.Auth;
using AgbCode.Server.Ops;

namespace AgbCode.Server.Api;

/// <summary>
/// Turns every refusal into the AGB envelope with a 4xx (or 503 when the platform cannot do it); anything unexpected
/// is logged and answered 500 without internals.
/// </summary>
public sealed class ErrorEnvelopeMiddleware(RequestDelegate next, ILogger<ErrorEnvelopeMiddleware> logger, ServerMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the client went away; there is no one to answer
        }
        catch (Exception error) when (!context.Response.HasStarted)
        {
            ApiError refusal = Classify(error, BodyLimit.Of(context).Setting);
            metrics.Errors.WithLabels(refusal.Code).Inc();
            if (refusal.Status >= 500)
                logger.LogError(error, "Request failed: {Code}", refusal.Code);
            else
                logger.LogInformation("Request refused: {Status} {Code}: {Message}", refusal.Status, refusal.Code, refusal.Message);
            context.Response.Clear();
            if (refusal.Challenge is not null)
                context.Response.Headers.WWWAuthenticate = refusal.Challenge;
            await Envelope.WriteErrorAsync(context, refusal.Status, refusal.Code, refusal.Message);
        }
    }

    private static ApiError Classify(Exception error, string bodyLimitSetting) => error switch
    {
        ApiError refusal => refusal,
        AgbException engine => ApiError.From(engine),
        BadHttpRequestException { StatusCode: 413 } => new ApiError(413, "PayloadTooLarge",
            $"The request body is larger than this route accepts ({bodyLimitSetting}). Send less code, or write large data to a file in the session."),
        BadHttpRequestException bad => new ApiError(bad.StatusCode, "InvalidParameter", $"The request is malformed: {bad.Message}"),
        _ => new ApiError(500, "InternalError", "The server failed while handling the request; the error is in its log under this requestId."),
    };

    /// <summary>Bodies for the framework's own empty answers (unknown path 404, wrong method 405, ...).</summary>
    public static async Task WriteStatusCodePageAsync(StatusCodeContext status)
    {
        HttpContext context = status.HttpContext;
        int code = context.Response.StatusCode;
        string message = code switch
        {
            404 => $"There is no operation at {context.Request.Method} {context.Request.Path}. This server implements the AGB code-execution subset (docs/server.md lists it).",
            405 => $"{context.Request.Path} does not accept {context.Request.Method}; see docs/server.md for each operation's method.",
            _ => $"The request failed with HTTP {code}.",
        };
        context.RequestServices.GetRequiredService<ServerMetrics>().Errors.WithLabels(code == 404 ? "InvalidAction.NotFound" : $"Http{code}").Inc();
        await Envelope.WriteErrorAsync(context, code, code == 404 ? "InvalidAction.NotFound" : code == 405 ? "MethodNotAllowed" : $"Http{code}", message);
    }
}
