using System.Globalization;
using System.Text.Json;
using AgbCode.Client.Parsing;
using AgbCode.Core.Contexts;
using AgbCode.Core.Errors;

namespace AgbCode.Client.Http;

/// <summary>The AGB context operations (agb-tools.md §5): query parameters only, the AGB envelope back.</summary>
internal sealed class ContextApi(ApiTransport transport, AgbClientOptions options)
{
    private string Endpoint => transport.EndpointText;

    /// <summary>One page of ListContexts (data is an array) and the next page's token from the top level.</summary>
    public async Task<(IReadOnlyList<ContextInfo> Contexts, string? NextToken)> ListAsync(string? nextToken, int maxResults, CancellationToken cancellationToken)
    {
        var query = new List<(string, string)> { ("maxResults", maxResults.ToString(CultureInfo.InvariantCulture)) };
        if (nextToken is not null)
            query.Add(("nextToken", nextToken));
        ApiResponse response = await SendAsync("ListContexts", HttpMethod.Get, "/sdk/ListContexts", query, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<ContextInfo> contexts = response.Data is { ValueKind: JsonValueKind.Array } items
            ? [.. items.EnumerateArray().Select(Read).OfType<ContextInfo>()]
            : [];
        string? next = Json.StrOrNull(Json.GetAny(response.Body, "nextToken", "NextToken"));
        return (contexts, string.IsNullOrEmpty(next) ? null : next);
    }

    /// <summary>GetContext by id or by name (made when <paramref name="allowCreate"/>); null when there is none.</summary>
    public async Task<ContextInfo?> GetAsync(string key, string value, bool allowCreate, CancellationToken cancellationToken)
    {
        try
        {
            ApiResponse response = await SendAsync("GetContext", HttpMethod.Get, "/sdk/GetContext",
                [(key, value), ("allowCreate", allowCreate ? "true" : "false")], cancellationToken).ConfigureAwait(false);
            return Read(response.Data ?? default);
        }
        catch (AgbException missing) when (missing.Kind == AgbErrorKind.NotFound)
        {
            return null;
        }
    }

    public async Task DeleteAsync(string id, CancellationToken cancellationToken) =>
        await SendAsync("DeleteContext", HttpMethod.Post, "/sdk/DeleteContext", [("id", id)], cancellationToken).ConfigureAwait(false);

    private async Task<ApiResponse> SendAsync(string operation, HttpMethod method, string path, IEnumerable<(string, string)> query,
        CancellationToken cancellationToken)
    {
        ApiResponse response = await transport.SendAsync(operation, method, path, query, method == HttpMethod.Post ? new Dictionary<string, object>() : null,
            options.HttpTimeout, cancellationToken).ConfigureAwait(false);
        return response.Ok200 ? response : throw Failure(operation, response);
    }

    private AgbException Failure(string operation, ApiResponse response) =>
        ContextFailure(Endpoint, response) ?? AgbErrors.Request(Endpoint, operation, response.Describe());

    /// <summary>
    /// A context error keeps its id (an AgbCode server sends the engine's; CreateSession too, for the contexts it mounts);
    /// a not-found is AgbContextNotFound. Null when the answer is no context error.
    /// </summary>
    internal static AgbException? ContextFailure(string endpoint, ApiResponse response)
    {
        AgbErrorKind? kind = response.Code switch
        {
            ContextErrors.NotFoundId => AgbErrorKind.NotFound,
            ContextErrors.InUseId or ContextErrors.ExistsId or ContextErrors.LimitId => AgbErrorKind.InvalidState,
            ContextErrors.BadNameId or ContextErrors.BadPathId => AgbErrorKind.BadInput,
            _ when response.IsNotFound => AgbErrorKind.NotFound,
            _ => null,
        };
        if (kind is not AgbErrorKind known)
            return null;
        return new AgbException(known, known == AgbErrorKind.NotFound ? ContextErrors.NotFoundId : response.Code, $"{endpoint}: {response.Message}", null);
    }

    private ContextInfo? Read(JsonElement item)
    {
        string? id = Json.StrOrNull(Json.GetAny(item, "id", "Id", "contextId"));
        if (string.IsNullOrEmpty(id))
            return null;
        return new ContextInfo
        {
            Id = id,
            Name = Json.StrOrNull(Json.GetAny(item, "name", "Name")) ?? id,
            CreatedAt = Time(Json.GetAny(item, "createTime", "CreateTime")) ?? DateTimeOffset.MinValue,
            LastUsedAt = Time(Json.GetAny(item, "lastUsedTime", "LastUsedTime")),
            MountedBy = Json.StrOrNull(Json.GetAny(item, "state", "State")) == "in-use"
                ? Json.StrOrNull(Json.GetAny(item, ContextInfo.MountedByWireField)) ?? InUseBy
                : null,
            SizeBytes = Json.Bytes(Json.GetAny(item, ContextInfo.SizeBytesWireField)),
            UsedBytes = Json.Bytes(Json.GetAny(item, ContextInfo.UsedBytesWireField)),
            Location = Endpoint,
        };
    }

    /// <summary>What the AGB API says of a mounted context when the endpoint does not name the session (the AGB cloud).</summary>
    public const string InUseBy = "a session on the endpoint";

    private static DateTimeOffset? Time(JsonElement? value) =>
        DateTimeOffset.TryParse(Json.StrOrNull(value), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset time) ? time : null;
}
