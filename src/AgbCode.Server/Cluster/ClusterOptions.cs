using AgbCode.Server.Auth;
using AgbCode.Server.Config;

namespace AgbCode.Server.Cluster;

/// <summary>
/// Several instances behind one API: AGBCODE_PEERS lists the instances' base URLs (comma-separated; a name that resolves to
/// several addresses, such as a Kubernetes headless Service, stands for all of them), AGBCODE_PEER_SECRET (or
/// AGBCODE_PEER_SECRET_FILE) is the secret the instances prove to each other, and AGBCODE_PEER_TIMEOUT_MS bounds a peer's
/// answer to a load or listing query. No peers: a single instance, and nothing here runs.
/// </summary>
public sealed record ClusterOptions
{
    public const int MinimumSecretLength = 32;

    public IReadOnlyList<Uri> Peers { get; init; } = [];
    /// <summary>SHA-256 of the shared peer secret; empty when there are no peers.</summary>
    internal byte[] SecretHash { get; init; } = [];
    /// <summary>The secret itself, sent to peers.</summary>
    internal string Secret { get; init; } = "";
    public TimeSpan PeerTimeout { get; init; } = TimeSpan.FromMilliseconds(1000);

    public bool Enabled => Peers.Count > 0;

    public static ClusterOptions From(IConfiguration config)
    {
        string? peers = Setting(config, "PEERS");
        if (peers is null)
            return new ClusterOptions();
        var urls = new List<Uri>();
        foreach (string entry in peers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            urls.Add(Uri.TryCreate(entry.TrimEnd('/'), UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/"
                ? uri
                : throw new ConfigurationError($"{ServerOptions.Prefix}PEERS lists the instances' base URLs separated by commas, e.g. " +
                                               $"http://agbcode-headless:8080 or http://10.0.0.2:8080,http://10.0.0.3:8080; '{entry}' is not one."));
        string secret = ReadSecret(config);
        string? timeout = Setting(config, "PEER_TIMEOUT_MS");
        int timeoutMs = 1000;
        if (timeout is not null && (!int.TryParse(timeout, System.Globalization.CultureInfo.InvariantCulture, out timeoutMs) || timeoutMs < 50 || timeoutMs > 60_000))
            throw new ConfigurationError($"{ServerOptions.Prefix}PEER_TIMEOUT_MS must be a whole number from 50 to 60000; got '{timeout}'.");
        return new ClusterOptions { Peers = urls, Secret = secret, SecretHash = Secrets.Sha256(secret), PeerTimeout = TimeSpan.FromMilliseconds(timeoutMs) };
    }

    private static string ReadSecret(IConfiguration config)
    {
        string? secret = Setting(config, "PEER_SECRET");
        if (Setting(config, "PEER_SECRET_FILE") is string file)
            secret = File.Exists(file) ? File.ReadAllText(file).Trim()
                : throw new ConfigurationError($"{ServerOptions.Prefix}PEER_SECRET_FILE names '{file}', which does not exist.");
        if (secret is null || secret.Length < MinimumSecretLength || secret.Any(char.IsWhiteSpace))
            throw new ConfigurationError($"{ServerOptions.Prefix}PEERS is set, so the instances need a shared secret of at least {MinimumSecretLength} " +
                                         $"characters without spaces in {ServerOptions.Prefix}PEER_SECRET or {ServerOptions.Prefix}PEER_SECRET_FILE, the same on " +
                                         "every instance (e.g. from one Kubernetes Secret; generate it with 'openssl rand -hex 32').");
        return secret;
    }

    private static string? Setting(IConfiguration config, string name) =>
        config[ServerOptions.Prefix + name] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
