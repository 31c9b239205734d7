using System.Text.RegularExpressions;
using AgbCode.Server.Auth;

namespace AgbCode.Server.Config;

/// <summary>
/// Reads the API keys from AGBCODE_API_KEY (one key, tenant "default"), AGBCODE_API_KEYS ("tenant:key" entries
/// separated by commas or newlines) and AGBCODE_API_KEYS_FILE (one entry a line, # comments). An entry's key is either
/// the key itself, hashed here, or "sha256:" and the hex SHA-256 of the key, so the file need not hold the key.
/// </summary>
public static partial class ApiKeySources
{
    public const int MinimumKeyLength = 16;
    public const string DefaultTenant = "default";

    /// <summary>The configured keys; none is an error unless <paramref name="keysRequired"/> is false (a local socket serves without them).</summary>
    public static ApiKeyStore Load(IConfiguration config, bool keysRequired = true)
    {
        var entries = new List<(string Tenant, byte[] Hash, string Origin)>();
        string? single = config[ServerOptions.Prefix + "API_KEY"];
        if (!string.IsNullOrWhiteSpace(single))
            entries.Add((DefaultTenant, HashOf(single.Trim(), "AGBCODE_API_KEY"), "AGBCODE_API_KEY"));

        string? list = config[ServerOptions.Prefix + "API_KEYS"];
        if (!string.IsNullOrWhiteSpace(list))
            entries.AddRange(ParseEntries(list.Split([',', '\n']), "AGBCODE_API_KEYS"));

        string? file = config[ServerOptions.Prefix + "API_KEYS_FILE"];
        if (!string.IsNullOrWhiteSpace(file))
        {
            if (!File.Exists(file))
                throw new ConfigurationError($"AGBCODE_API_KEYS_FILE names '{file}', which does not exist.");
            entries.AddRange(ParseEntries(File.ReadAllLines(file), $"AGBCODE_API_KEYS_FILE ({file})"));
        }

        if (entries.Count == 0 && keysRequired)
            throw new ConfigurationError(
                "No API key is configured, so no client could use this server. Set AGBCODE_API_KEY to a key of at least " +
                $"{MinimumKeyLength} characters, or AGBCODE_API_KEYS / AGBCODE_API_KEYS_FILE with 'tenant:key' entries (docs/server.md); " +
                "or serve local users only, on a Unix socket (AGBCODE_UNIX_SOCKET).");
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (tenant, hash, origin) in entries)
        {
            string id = Convert.ToHexString(hash);
            if (seen.TryGetValue(id, out string? other) && other != tenant)
                throw new ConfigurationError($"One API key is given to two tenants ({other} and {tenant}, in {origin}); give each tenant its own key.");
            seen[id] = tenant;
        }
        return new ApiKeyStore([.. entries.Select(e => (e.Tenant, e.Hash))]);
    }

    /// <summary>The line to put in a keys file for this key: nothing but its hash.</summary>
    public static string HashedEntry(string tenant, string key) => $"{tenant}:sha256:{Convert.ToHexStringLower(Secrets.Sha256(key))}";

    private static IEnumerable<(string, byte[], string)> ParseEntries(IEnumerable<string> lines, string origin)
    {
        int number = 0;
        foreach (string raw in lines)
        {
            number++;
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            int colon = line.IndexOf(':');
            string where = $"{origin}, entry {number}";
            if (colon <= 0)
                throw new ConfigurationError($"{where} is not 'tenant:key' or 'tenant:sha256:<hex>'.");
            string tenant = line[..colon];
            string secret = line[(colon + 1)..];
            if (!TenantPattern().IsMatch(tenant))
                throw new ConfigurationError($"{where}: the tenant name must be 1-64 letters, digits, dots, dashes or underscores.");
            yield return (tenant, HashOf(secret, where), origin);
        }
    }

    private static byte[] HashOf(string secret, string where)
    {
        if (secret.StartsWith("sha256:", StringComparison.Ordinal))
        {
            string hex = secret["sha256:".Length..];
            if (!HexPattern().IsMatch(hex))
                throw new ConfigurationError($"{where}: after 'sha256:' comes the key's SHA-256 as 64 hex digits (agbcode-server hash-key prints it).");
            return Convert.FromHexString(hex);
        }
        if (secret.Length < MinimumKeyLength || secret.Any(char.IsWhiteSpace))
            throw new ConfigurationError($"{where}: an API key must be at least {MinimumKeyLength} characters without spaces; generate one, e.g. with 'openssl rand -hex 24'.");
        return Secrets.Sha256(secret);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex TenantPattern();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex HexPattern();
}
