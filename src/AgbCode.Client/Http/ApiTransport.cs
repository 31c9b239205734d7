using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AgbCode.Client.Parsing;

namespace AgbCode.Client.Http;

/// <summary>
/// Sends AGB API calls: bearer key, JSON body, a time limit on every call, and transport, auth and non-API answers
/// turned into <see cref="Core.Errors.AgbException"/>s that name the endpoint (never the key). A <c>unix://</c> endpoint
/// is reached through its socket, without a key (<see cref="UnixSocketTransport"/>).
/// </summary>
internal sealed class ApiTransport : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _apiKey;
    private readonly Uri _base;

    public ApiTransport(Uri endpoint, string apiKey, HttpMessageHandler? handler)
    {
        Endpoint = endpoint;
        EndpointText = Redact.Url(endpoint).TrimEnd('/');
        _apiKey = apiKey;
        _base = endpoint;
        if (UnixSocketTransport.IsUnix(endpoint))
        {
            SocketsHttpHandler socketHandler = UnixSocketTransport.Handler(UnixSocketTransport.SocketPath(endpoint));
            WebSocketInvoker = new HttpMessageInvoker(socketHandler, disposeHandler: false);
            _base = UnixSocketTransport.HttpBase;
            _http = new HttpClient(socketHandler, disposeHandler: true);
        }
        else
            _http = handler is null
                ? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: true)
                : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = Timeout.InfiniteTimeSpan;   // each call has its own limit, so a timeout is told apart from a cancel
    }

    public Uri Endpoint { get; }
    public string EndpointText { get; }
    /// <summary>What WebSockets connect through: the socket's handler for a unix:// endpoint, else null (the default).</summary>
    public HttpMessageInvoker? WebSocketInvoker { get; }

    /// <summary>Calls an API operation and returns its envelope. Throws for transport failures, 401/403 and non-API answers.</summary>
    public async Task<ApiResponse> SendAsync(string operation, HttpMethod method, string path, IEnumerable<(string Name, string Value)>? query,
        object? body, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, BuildUri(path, query));
        if (_apiKey.Length > 0)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        if (body is not null)
            request.Content = new StringContent(Json.Serialize(body), Encoding.UTF8, "application/json");
        (int status, JsonElement? json, string? requestId, string? contentType) = await SendRawAsync(request, EndpointText, operation, timeout, cancellationToken).ConfigureAwait(false);
        if (status is 401 or 403)
            throw AgbErrors.Authentication(EndpointText, status, json is JsonElement j ? ApiResponse.From(status, j, requestId).Message : null);
        if (json is not JsonElement { ValueKind: JsonValueKind.Object } envelope)
            throw AgbErrors.Request(EndpointText, operation,
                $"HTTP {status} with {(contentType is null ? "no" : contentType)} content instead of an AGB API JSON answer (is {EndpointText} an AGB endpoint?)");
        return ApiResponse.From(status, envelope, requestId);
    }

    /// <summary>
    /// Sends a request and reads the JSON answer (null when the body is not JSON). Transport failures and the time limit
    /// become AgbConnectionFailed; cancellation through <paramref name="cancellationToken"/> stays an OperationCanceledException.
    /// </summary>
    public async Task<(int Status, JsonElement? Json, string? RequestId, string? ContentType)> SendRawAsync(HttpRequestMessage request, string target,
        string operation, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, limit.Token).ConfigureAwait(false);
            string text = await response.Content.ReadAsStringAsync(limit.Token).ConfigureAwait(false);
            string? requestId = response.Headers.TryGetValues("x-request-id", out IEnumerable<string>? ids) ? ids.FirstOrDefault() : null;
            return ((int)response.StatusCode, Json.TryParse(text), requestId, response.Content.Headers.ContentType?.MediaType);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw AgbErrors.Connection(target, $"no answer to {operation} within {Seconds(timeout)}");
        }
        catch (Exception e) when (TransportFailure.IsTransport(e))
        {
            throw AgbErrors.Connection(target, TransportFailure.Describe(e), e);
        }
    }

    private Uri BuildUri(string path, IEnumerable<(string Name, string Value)>? query)
    {
        var builder = new StringBuilder(_base.GetLeftPart(UriPartial.Path).TrimEnd('/')).Append(path);
        char separator = '?';
        foreach ((string name, string value) in query ?? [])
        {
            builder.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }
        return new Uri(builder.ToString());
    }

    public static string Seconds(TimeSpan t) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.###} s");

    public void Dispose()
    {
        _http.Dispose();
        WebSocketInvoker?.Dispose();
    }

    public override string ToString() => EndpointText;
}
