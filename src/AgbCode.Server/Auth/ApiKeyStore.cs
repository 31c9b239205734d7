namespace AgbCode.Server.Auth;

/// <summary>The configured API keys, kept only as SHA-256 hashes, each naming the tenant it belongs to.</summary>
public sealed class ApiKeyStore
{
    private readonly IReadOnlyList<(string Tenant, byte[] Hash)> _keys;

    public ApiKeyStore(IReadOnlyList<(string Tenant, byte[] Hash)> keys) => _keys = keys;

    public int Count => _keys.Count;

    public IReadOnlyList<string> Tenants => [.. _keys.Select(k => k.Tenant).Distinct(StringComparer.Ordinal)];

    /// <summary>The tenant of this key, or null. Every entry is compared, in constant time, whatever matches.</summary>
    public string? FindTenant(string presentedKey)
    {
        byte[] presented = Secrets.Sha256(presentedKey);
        string? tenant = null;
        foreach (var (candidate, hash) in _keys)
        {
            if (System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(presented, hash))
                tenant ??= candidate;
        }
        return tenant;
    }
}
