using System.Text.Json.Nodes;
using AgbCode.Core.Sessions;

namespace AgbCode.Server.Api;

/// <summary>
/// A session's protections as the engine states them, for callers on the local socket: the module shows them on the
/// session (<c>$s.Isolation</c>), so a local user sees what the service's sandbox really enforces.
/// </summary>
public static class IsolationView
{
    public const string Field = "isolation";

    public static JsonArray Describe(IsolationReport report) =>
        [.. report.Protections.Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, ["enforced"] = p.Enforced, ["detail"] = p.Detail })];
}
