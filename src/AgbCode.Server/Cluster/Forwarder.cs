using System.Net.Http.Headers;
using AgbCode.Server.Auth;

namespace AgbCode.Server.Cluster;

/// <summary>
/// Sends a client's HTTP request on to the instance that holds its session and streams that instance's answer back as it
/// comes: same method, path, query and body; the caller's tenant (never its API key) and the session token travel in
/// headers, the tenant only with the peer secret.
/// </summary>
public sealed class Forwarder(ClusterOptions cluster, PeerClient client, ILogger<Forwarder> logger)
{
    private static readonly string[] ResponseHeaders = ["WWW-Authenticate", "x-request-id"];

    /// <summary>
    /// Forwards the request (with <paramref name="body"/>, else the request's own body stream) and writes the answer.
    /// False when the instance could not be reached: nothing was written, and the caller decides what to answer.
    /// </summary>
    public async Task<bool> ForwardAsync(HttpContext context, Uri instance, byte[]? body, string? tenant)
    {
        HttpRequest incoming = context.Request;
        using var request = new HttpRequestMessage(new HttpMethod(incoming.Method), new Uri(instance, incoming.Path + incoming.QueryString));
        if (body is not null || HasBody(incoming))
        {
            request.Content = body is not null ? new ByteArrayContent(body) : new StreamContent(incoming.Body);
            request.Content.Headers.ContentLength = body?.Length ?? incoming.ContentLength;
        }
        if (request.Content is not null && MediaTypeHeaderValue.TryParse(incoming.ContentType, out MediaTypeHeaderValue? contentType))
            request.Content.Headers.ContentType = contentType;
        if (AccessTokenAuth.HeaderToken(incoming) is string token)
            request.Headers.TryAddWithoutValidation(AccessTokenAuth.Header, token);
        PeerAuth.Sign(request, cluster, tenant);

        HttpResponseMessage response;
        try
        {
            response = await client.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException error) when (!context.RequestAborted.IsCancellationRequested)
        {
            logger.LogWarning("Instance at {PeerUrl} did not take a forwarded {Method} {Path}: {Error}", instance, incoming.Method, incoming.Path.Value, error.Message);
            return false;
        }
        using (response)
        {
            logger.LogDebug("Forwarded {Method} {Path} to {PeerUrl}: {Status}", incoming.Method, incoming.Path.Value, instance, (int)response.StatusCode);
            context.Response.StatusCode = (int)response.StatusCode;
            if (response.Content.Headers.ContentType is { } answerType)
                context.Response.ContentType = answerType.ToString();
            foreach (string name in ResponseHeaders)
            {
                if (response.Headers.TryGetValues(name, out var values))
                    context.Response.Headers[name] = values.ToArray();
            }
            await using Stream answer = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            await answer.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
        return true;
    }

    private static bool HasBody(HttpRequest request) => request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
}
