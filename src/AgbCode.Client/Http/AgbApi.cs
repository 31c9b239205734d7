using AgbCode.Core.Contexts;
using System.Text.Json;
using AgbCode.Client.Parsing;
using AgbCode.Core.Errors;
using AgbCode.Core.Images;
using AgbCode.Core.Sessions;

namespace AgbCode.Client.Http;

/// <summary>The AGB API operations the client uses, by path (the reference's table in §3.1), with their success rules.</summary>
internal sealed class AgbApi(ApiTransport transport, AgbClientOptions options)
{
    public ApiTransport Transport => transport;
    private string Endpoint => transport.EndpointText;

    /// <param name="network">
    /// The session's network allow-list, sent in AgbCode's extension field agbcodeNetwork (an AgbCode server honours it for
    /// tenants its operator allows; left out when empty, so other endpoints see a plain CreateSession).
    /// </param>
    /// <param name="contexts">Contexts to mount, each named by its id: sent as persistenceDataList (left out when empty).</param>
    public async Task<SessionDetails> CreateSessionAsync(string imageId, IReadOnlyDictionary<string, string> labels, int? idleTimeoutSec,
        IReadOnlyList<string> network, IReadOnlyList<AgbCode.Core.Contexts.ContextMount> contexts, CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, object> { ["labels"] = Json.Serialize(labels) };
        if (contexts.Count > 0)
            body["persistenceDataList"] = contexts.Select(c => new Dictionary<string, string> { ["contextId"] = c.Context, ["path"] = c.Path, ["policy"] = "" }).ToList();
        if (idleTimeoutSec is int timeout)
            body["timeout"] = timeout;
        if (network.Count > 0)
            body[NetworkField] = network;
        ApiResponse response = await transport.SendAsync("CreateSession", HttpMethod.Post, "/mcp/createSession",
            [("imageId", imageId), ("sdkStats", SdkStats)], body, options.HttpTimeout, cancellationToken).ConfigureAwait(false);
        if (IsUnknownImage(response))
            throw UnknownImage(response);
        if (!response.Ok)
            throw (response.Code is string code && ContextErrors.IsContextError(code) ? ContextApi.ContextFailure(Endpoint, response) : null)
                  ?? AgbErrors.Request(Endpoint, "CreateSession", response.Describe());
        if (Json.Get(response.Data, "success") is { ValueKind: JsonValueKind.False })
            throw AgbErrors.Request(Endpoint, "CreateSession", Json.StrOrNull(Json.Get(response.Data, "errMsg")) ?? "the session could not be created");
        SessionDetails details = SessionDetails.From(response.Data, "");
        if (details.SessionId.Length == 0)
            throw AgbErrors.Request(Endpoint, "CreateSession", $"the answer has no sessionId {response.Describe()}");
        return details;
    }

    public const string NetworkField = NetworkAllowList.WireField;

    /// <summary>The session's details, or null when the endpoint says it does not exist (or has finished).</summary>
    public async Task<SessionDetails?> GetSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        ApiResponse response = await Post("GetSession", "/mcp/getSession", sessionId, cancellationToken).ConfigureAwait(false);
        if (!response.Ok)
            return response.IsNotFound ? null : throw AgbErrors.Request(Endpoint, "GetSession", response.Describe());
        SessionDetails details = SessionDetails.From(response.Data, sessionId);
        return IsReleased(details.Status) ? null : details;
    }

    /// <summary>The session's status (GetSessionDetail), or null when it does not exist.</summary>
    public async Task<string?> GetStatusAsync(string sessionId, CancellationToken cancellationToken)
    {
        ApiResponse response = await Post("GetSessionDetail", "/mcp/getSessionInfo", sessionId, cancellationToken).ConfigureAwait(false);
        if (!response.Ok)
            return response.IsNotFound ? null : throw AgbErrors.Request(Endpoint, "GetSessionDetail", response.Describe());
        return Json.StrOrNull(Json.GetAny(response.Data, "status", "Status")) ?? "";
    }

    /// <summary>Asks the endpoint to release the session; false when it does not exist.</summary>
    public async Task<bool> ReleaseSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        ApiResponse response = await Post("DeleteSessionAsync", "/mcp/releaseSessionAsync", sessionId, cancellationToken).ConfigureAwait(false);
        if (response.Ok200)
            return true;
        return response.IsNotFound ? false : throw AgbErrors.Request(Endpoint, "DeleteSessionAsync", response.Describe());
    }

    public async Task RefreshIdleTimeAsync(string sessionId, CancellationToken cancellationToken)
    {
        ApiResponse response = await transport.SendAsync("RefreshSessionIdleTime", HttpMethod.Post, "/mcp/refreshSessionIdleTime",
            [("sessionId", sessionId)], new Dictionary<string, object>(), options.HttpTimeout, cancellationToken).ConfigureAwait(false);
        if (!response.Ok200)
            throw response.IsNotFound ? AgbErrors.NotFound(sessionId, Endpoint) : AgbErrors.Request(Endpoint, "RefreshSessionIdleTime", response.Describe());
    }

    /// <summary>One page of ListSession: the active sessions' ids, and the token of the next page.</summary>
    public async Task<(IReadOnlyList<string> Ids, string? NextToken)> ListSessionsAsync(IReadOnlyDictionary<string, string>? labels,
        string? nextToken, int maxResults, CancellationToken cancellationToken)
    {
        var query = new List<(string, string)> { ("maxResults", maxResults.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
        if (nextToken is not null)
            query.Add(("nextToken", nextToken));
        if (labels is { Count: > 0 })
            query.Add(("labels", Json.Serialize(labels)));
        ApiResponse response = await transport.SendAsync("ListSession", HttpMethod.Get, "/sdk/ListSession", query, null, options.HttpTimeout,
            cancellationToken).ConfigureAwait(false);
        if (!response.Ok200)
            throw AgbErrors.Request(Endpoint, "ListSession", response.Describe());
        IReadOnlyList<string> ids = response.Data is { ValueKind: JsonValueKind.Array } items
            ? [.. items.EnumerateArray()
                .Where(i => !IsReleased(Json.StrOrNull(Json.GetAny(i, "sessionStatus", "SessionStatus"))))
                .Select(i => Json.StrOrNull(Json.GetAny(i, "sessionId", "SessionId")))
                .OfType<string>()]
            : [];
        string? next = Json.StrOrNull(Json.GetAny(response.Body, "nextToken", "NextToken"));
        return (ids, string.IsNullOrEmpty(next) ? null : next);
    }

    /// <summary>
    /// The session's labels (GetLabel, following nextToken for at most <see cref="MaxLabelPages"/> pages); null when the
    /// session does not exist, empty when the endpoint cannot answer GetLabel.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>?> GetLabelsAsync(string sessionId, CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        string? token = null;
        for (int page = 0; page < MaxLabelPages; page++)
        {
            var query = new List<(string, string)> { ("sessionId", sessionId) };
            if (token is not null)
                query.Add(("nextToken", token));
            ApiResponse response = await transport.SendAsync("GetLabel", HttpMethod.Get, "/sdk/GetLabel", query, null, options.HttpTimeout,
                cancellationToken).ConfigureAwait(false);
            if (!response.Ok200)   // an endpoint without GetLabel: the session shows without what its labels would tell
                return response.IsSessionNotFound ? null : labels;
            if (Json.ObjectOrEncodedObject(Json.GetAny(response.Data, "labels", "Labels")) is { } found)
                foreach (var label in found.EnumerateObject().Where(l => l.Value.ValueKind == JsonValueKind.String))
                    labels[label.Name] = label.Value.GetString()!;
            token = Json.StrOrNull(Json.GetAny(response.Data, "nextToken", "NextToken")) is { Length: > 0 } next && next != token ? next : null;
            if (token is null)
                break;
        }
        return labels;
    }

    private const int MaxLabelPages = 10;

    /// <summary>CallMcpTool: the API route. <paramref name="args"/> is sent as a JSON string, as the API wants.</summary>
    public Task<ApiResponse> CallToolAsync(string sessionId, string tool, object args, TimeSpan timeout, CancellationToken cancellationToken) =>
        transport.SendAsync("CallMcpTool", HttpMethod.Post, "/mcp", [("autoGenSession", "false")],
            new Dictionary<string, object> { ["sessionId"] = sessionId, ["name"] = tool, ["args"] = Json.Serialize(args) },
            timeout, cancellationToken);

    public async Task<IReadOnlyList<McpTool>> ListToolsAsync(string imageId, CancellationToken cancellationToken)
    {
        ApiResponse response = await transport.SendAsync("ListMcpTools", HttpMethod.Post, "/mcp/listTools", [("imageId", imageId)],
            new Dictionary<string, object>(), options.HttpTimeout, cancellationToken).ConfigureAwait(false);
        if (!response.Ok200)
            throw AgbErrors.Request(Endpoint, "ListMcpTools", response.Describe());
        return ToolList.Parse(response.Data);
    }

    /// <summary>The images an AgbCode server offers (its own route: the AGB API has none).</summary>
    public async Task<IReadOnlyList<string>> ListImagesAsync(CancellationToken cancellationToken)
    {
        JsonElement? data = await ImageCallAsync("ListImages", ImageApi.ImagesPath, [], cancellationToken).ConfigureAwait(false);
        return data is { ValueKind: JsonValueKind.Array } items
            ? [.. items.EnumerateArray().Select(i => Json.StrOrNull(Json.Get(i, "imageId"))).OfType<string>()]
            : [];
    }

    public async Task<IReadOnlyList<ImagePackage>> GetImagePackagesAsync(string imageId, CancellationToken cancellationToken)
    {
        JsonElement? data = await ImageCallAsync("GetImagePackages", ImageApi.PackagesPath, [("imageId", imageId)], cancellationToken).ConfigureAwait(false);
        return data is { ValueKind: JsonValueKind.Array } items
            ? [.. items.EnumerateArray().Select(i => new ImagePackage(imageId,
                Json.StrOrNull(Json.Get(i, "language")) ?? "", Json.StrOrNull(Json.Get(i, "name")) ?? "",
                Json.StrOrNull(Json.Get(i, "version")) ?? "", Json.StrOrNull(Json.Get(i, "source")) ?? ""))]
            : [];
    }

    private async Task<JsonElement?> ImageCallAsync(string operation, string path, (string, string)[] query, CancellationToken cancellationToken)
    {
        ApiResponse response;
        try
        {
            response = await transport.SendAsync(operation, HttpMethod.Get, path, query, null, options.HttpTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AgbException failure) when (failure.ErrorId == RemoteErrors.RequestFailed)
        {
            throw ImagesNotOffered(failure.Message);
        }
        if (response.Ok200)
            return response.Data;
        if (IsUnknownImage(response))
            throw UnknownImage(response);
        throw response.HttpStatus == 404 ? ImagesNotOffered(response.Describe()) : AgbErrors.Request(Endpoint, operation, response.Describe());
    }

    private static bool IsUnknownImage(ApiResponse response) => response.HttpStatus == 400 && response.Code == ImageApi.UnknownImageCode;

    private AgbException UnknownImage(ApiResponse response) => new(AgbErrorKind.BadInput, ImageErrors.UnknownImageId,
        $"{Endpoint}: {response.Message}", null);

    private AgbException ImagesNotOffered(string detail) => new(AgbErrorKind.Platform, RemoteErrors.ImagesNotOffered,
        $"{Endpoint} does not list its images ({detail}): the AGB API has no such call; an AgbCode server answers it at {ImageApi.ImagesPath}.",
        "Ask the endpoint's operator which packages its image has, or run code that checks for the package.");

    /// <summary>Statuses that mean the session is gone (seen in the AGB tests: FINISH, DELETING, DELETED).</summary>
    public static bool IsReleased(string? status) => status is "FINISH" or "DELETING" or "DELETED";

    private Task<ApiResponse> Post(string operation, string path, string sessionId, CancellationToken cancellationToken) =>
        transport.SendAsync(operation, HttpMethod.Post, path, null, new Dictionary<string, object> { ["sessionId"] = sessionId },
            options.HttpTimeout, cancellationToken);

    private static readonly string SdkStats = Json.Serialize(new Dictionary<string, object>
    {
        ["source"] = "sdk",
        ["sdk_language"] = "powershell",
        ["sdk_version"] = typeof(AgbApi).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
        ["is_release"] = true,
    });
}
