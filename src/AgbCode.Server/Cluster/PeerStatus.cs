using System.Text.Json.Nodes;

namespace AgbCode.Server.Cluster;

/// <summary>
/// What an instance says about itself on /agbcode/cluster/status: who it is (the instance id, and a nonce that is new at
/// every start, so two instances configured with one id are told apart), how full it is, and how many sessions the
/// asking tenant holds there.
/// </summary>
public sealed record PeerStatus(string InstanceId, string Nonce, Uri BaseUrl, int Sessions, int MaxSessions, int TenantSessions,
    int MaxSessionsPerTenant, bool Accepting)
{
    /// <summary>Room for one more session of the tenant.</summary>
    public bool HasRoom => Accepting && Sessions < MaxSessions && TenantSessions < MaxSessionsPerTenant;

    /// <summary>The share of its capacity in use: what placement compares.</summary>
    public double Load => (double)Sessions / MaxSessions;

    public JsonObject ToJson() => new()
    {
        ["instanceId"] = InstanceId,
        ["nonce"] = Nonce,
        ["sessions"] = Sessions,
        ["maxSessions"] = MaxSessions,
        ["tenantSessions"] = TenantSessions,
        ["maxSessionsPerTenant"] = MaxSessionsPerTenant,
        ["accepting"] = Accepting,
    };

    /// <summary>A peer's answer; null when it is not a status (the peer is then treated as unreachable).</summary>
    public static PeerStatus? FromJson(JsonNode? node, Uri baseUrl)
    {
        if (node is not JsonObject o)
            return null;
        try
        {
            return new PeerStatus(Field<string>(o, "instanceId"), Field<string>(o, "nonce"), baseUrl, Field<int>(o, "sessions"),
                Math.Max(1, Field<int>(o, "maxSessions")), Field<int>(o, "tenantSessions"), Field<int>(o, "maxSessionsPerTenant"), Field<bool>(o, "accepting"));
        }
        catch (Exception error) when (error is InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static T Field<T>(JsonObject o, string name) => o[name] is JsonValue value ? value.GetValue<T>() : throw new FormatException($"no {name}");
}
