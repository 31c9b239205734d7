using AgbCode.Server.Config;
using Microsoft.Extensions.Configuration;

namespace AgbCode.Server.Tests;

/// <summary>API keys and settings from the environment or a file: hashed at load, checked, and refused with a fix when wrong.</summary>
public class ConfigTests
{
    private static IConfiguration Config(params (string Name, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Name, v.Value))).Build();

    [Fact]
    public void Keys_come_from_the_environment_and_a_file_and_only_their_hashes_are_kept()
    {
        string file = Path.GetTempFileName();
        File.WriteAllLines(file, ["# tenants", "", ApiKeySources.HashedEntry("team-c", "team-c-key-0123456789"), "team-d:team-d-plain-key-012345"]);
        try
        {
            var store = ApiKeySources.Load(Config(
                ("AGBCODE_API_KEY", "default-key-0123456789"),
                ("AGBCODE_API_KEYS", "team-a:team-a-key-0123456789,team-b:team-b-key-0123456789"),
                ("AGBCODE_API_KEYS_FILE", file)));
            Assert.Equal(5, store.Count);
            Assert.Equal("default", store.FindTenant("default-key-0123456789"));
            Assert.Equal("team-b", store.FindTenant("team-b-key-0123456789"));
            Assert.Equal("team-c", store.FindTenant("team-c-key-0123456789"));
            Assert.Equal("team-d", store.FindTenant("team-d-plain-key-012345"));
            Assert.Null(store.FindTenant("team-d-plain-key-01234"));
            Assert.Null(store.FindTenant(""));
            Assert.DoesNotContain("team-c-key", File.ReadAllText(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("AGBCODE_API_KEYS", "team-a:short", "at least 16 characters")]
    [InlineData("AGBCODE_API_KEYS", "no-colon-here-0123456789", "'tenant:key'")]
    [InlineData("AGBCODE_API_KEYS", "bad tenant:key-0123456789abcdef", "tenant name")]
    [InlineData("AGBCODE_API_KEYS", "team-a:sha256:abc", "64 hex digits")]
    [InlineData("AGBCODE_API_KEYS", "team-a:same-key-0123456789,team-b:same-key-0123456789", "two tenants")]
    [InlineData("AGBCODE_API_KEYS_FILE", "/no/such/keys.txt", "does not exist")]
    public void Wrong_keys_stop_the_server_with_a_message_naming_the_fix(string name, string value, string message)
    {
        var error = Assert.Throws<ConfigurationError>(() => ApiKeySources.Load(Config((name, value))));
        Assert.Contains(message, error.Message);
        Assert.DoesNotContain("0123456789", error.Message);   // a key is never echoed
    }

    [Fact]
    public void No_key_at_all_is_refused()
    {
        var error = Assert.Throws<ConfigurationError>(() => ApiKeySources.Load(Config()));
        Assert.Contains("AGBCODE_API_KEY", error.Message);
    }

    [Theory]
    [InlineData("AGBCODE_MAX_SESSIONS", "0", "AGBCODE_MAX_SESSIONS must be a whole number")]
    [InlineData("AGBCODE_PUBLIC_URL", "ftp://x", "AGBCODE_PUBLIC_URL must be an absolute http(s) URL")]
    [InlineData("AGBCODE_INSTANCE_ID", "Has Spaces", "AGBCODE_INSTANCE_ID")]
    [InlineData("AGBCODE_LOG_FORMAT", "xml", "AGBCODE_LOG_FORMAT")]
    [InlineData("AGBCODE_MAX_CODE_BYTES", "99999999", "AGBCODE_MAX_CODE_BYTES")]
    [InlineData("AGBCODE_TRUSTED_PROXIES", "10.0.0.1,proxy.example", "AGBCODE_TRUSTED_PROXIES lists IP addresses")]
    [InlineData("AGBCODE_LINK_TOKEN_PREFIX_BYTES", "100000", "AGBCODE_LINK_TOKEN_PREFIX_BYTES")]
    [InlineData("AGBCODE_BODY_IDLE_TIMEOUT_SEC", "0", "AGBCODE_BODY_IDLE_TIMEOUT_SEC")]
    public void Settings_out_of_range_are_refused(string name, string value, string message)
    {
        var error = Assert.Throws<ConfigurationError>(() => ServerOptions.From(Config((name, value))));
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("http://10.0.0.2:8080", null, "shared secret of at least 32 characters")]
    [InlineData("http://10.0.0.2:8080", "short", "shared secret of at least 32 characters")]
    [InlineData("10.0.0.2:8080", "peer-secret-0123456789abcdef0123456789", "AGBCODE_PEERS lists the instances' base URLs")]
    [InlineData("http://10.0.0.2:8080/api", "peer-secret-0123456789abcdef0123456789", "AGBCODE_PEERS lists the instances' base URLs")]
    public void Peers_need_base_urls_and_a_long_shared_secret(string peers, string? secret, string message)
    {
        var error = Assert.Throws<ConfigurationError>(() => AgbCode.Server.Cluster.ClusterOptions.From(
            Config([("AGBCODE_PEERS", peers), .. secret is null ? Array.Empty<(string, string)>() : [("AGBCODE_PEER_SECRET", secret)]])));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Without_peers_an_instance_stands_alone()
    {
        Assert.False(AgbCode.Server.Cluster.ClusterOptions.From(Config()).Enabled);
        Assert.True(AgbCode.Server.Cluster.ClusterOptions.From(Config(("AGBCODE_PEERS", "http://a:8080,http://b:8080"),
            ("AGBCODE_PEER_SECRET", "peer-secret-0123456789abcdef0123456789"))).Peers.Count == 2);
    }

    [Fact]
    public void Settings_have_the_documented_defaults()
    {
        ServerOptions options = ServerOptions.From(Config());
        Assert.Matches("^[0-9a-f]{6}$", options.InstanceId);
        Assert.Equal(TimeSpan.FromSeconds(300), options.DefaultIdleTimeout);
        Assert.Equal(20, options.MaxSessionsPerTenant);
        Assert.Equal(100, options.MaxSessions);
        Assert.Equal(1024 * 1024, options.MaxCodeBytes);
        Assert.Null(options.PublicUrl);
        Assert.Equal("json", options.LogFormat);
        Assert.Equal(8 * 1024 * 1024, options.MaxLinkRequestBytes);
        Assert.Equal(4 * 1024, options.LinkTokenPrefixBytes);
        Assert.Equal(TimeSpan.FromSeconds(10), options.BodyIdleTimeout);
        Assert.Equal((4, 32), (options.WsMaxSocketsPerSession, options.WsMaxSocketsPerTenant));
        Assert.Equal((128, 512), (options.WsMaxQueuedRunsPerSession, options.WsMaxQueuedRunsPerTenant));
        Assert.Equal((16L * 1024 * 1024, 64L * 1024 * 1024), (options.WsMaxQueuedCodeBytesPerSession, options.WsMaxQueuedCodeBytesPerTenant));
        Assert.Empty(options.TrustedProxies);
    }
}
