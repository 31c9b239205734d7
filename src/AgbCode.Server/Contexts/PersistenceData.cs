using System.Text.Json;
using System.Text.Json.Nodes;
using AgbCode.Core.Contexts;
using AgbCode.Server.Api;

namespace AgbCode.Server.Contexts;

/// <summary>
/// CreateSession's <c>persistenceDataList</c> (the SDKs' context syncs): <c>[{contextId, path, policy}]</c>, each a
/// context of the caller's mounted read-write at an absolute path in the session. The policy (when to copy) has no
/// meaning for a context mounted live and is ignored.
/// </summary>
public static class PersistenceData
{
    public const string Field = "persistenceDataList";

    public static async Task<IReadOnlyList<MountedContext>> ParseAsync(JsonNode? node, TenantContexts contexts, string tenant, CancellationToken cancellationToken)
    {
        if (node is null or JsonArray { Count: 0 })
            return [];
        if (node is not JsonArray items)
            throw ApiError.BadParameter($"'{Field}' must be an array of {{contextId, path, policy}} objects.");
        IContextStore store = contexts.Of(tenant);
        var mounts = new List<MountedContext>();
        foreach (JsonNode? item in items)
        {
            if (item is not JsonObject entry)
                throw ApiError.BadParameter($"Each item of '{Field}' must be an object {{contextId, path, policy}}.");
            string contextId = Text(entry, "contextId");
            string path = ContextMount.CheckPath(Text(entry, "path"));
            ContextInfo context = await store.GetAsync(contextId, cancellationToken) ?? throw ContextErrors.NotFound(contextId);
            if (mounts.Any(m => m.ContextId == context.Id || Overlaps(m.Path, path)))
                throw ApiError.BadParameter($"'{Field}' names context {context.Id} or the path {path} twice (or a path inside another): mount each context once, each at its own folder.");
            mounts.Add(new MountedContext(context.Id, path));
        }
        return mounts;
    }

    private static bool Overlaps(string a, string b) => a == b || a.StartsWith(b + "/", StringComparison.Ordinal) || b.StartsWith(a + "/", StringComparison.Ordinal);

    private static string Text(JsonObject entry, string name) =>
        entry[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 0 } text
            ? text
            : throw ApiError.MissingParameter(name, $"item of '{Field}'");
}
