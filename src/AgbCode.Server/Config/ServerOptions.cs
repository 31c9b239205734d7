using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AgbCode.Core.Sessions;

namespace AgbCode.Server.Config;

/// <summary>
/// The server's settings, read from configuration keys named like the environment variables (AGBCODE_*), so they come
/// from the environment, the command line (--AGBCODE_X=value) or appsettings.json alike. docs/server.md lists them.
/// </summary>
public sealed partial record ServerOptions
{
    /// <summary>Base URL clients reach this instance at; linkUrl and wsUrl are built from it. Null: the bound address.</summary>
    public Uri? PublicUrl { get; init; }
    /// <summary>This instance's name inside every session id it hands out, so a front can route by session id.</summary>
    public required string InstanceId { get; init; }
    public int MaxSessions { get; init; } = 100;
    public int MaxSessionsPerTenant { get; init; } = 20;
    public TimeSpan DefaultIdleTimeout { get; init; } = TimeSpan.FromSeconds(300);
    public TimeSpan MaxIdleTimeout { get; init; } = TimeSpan.FromHours(24);
    public double MaxRunTimeoutSec { get; init; } = 3600;
    public int MaxCodeBytes { get; init; } = 1024 * 1024;
    public long MaxRequestBytes { get; init; } = 8 * 1024 * 1024;
    public int MaxFrameBytes { get; init; } = 8 * 1024 * 1024;
    /// <summary>Bytes one file-tool call reads or writes (read_file length, write_file content, edit_file, read_multiple_files).</summary>
    public int MaxFileChunkBytes { get; init; } = 4 * 1024 * 1024;
    /// <summary>Entries one listing, search or change scan visits.</summary>
    public int MaxListEntries { get; init; } = 100_000;
    /// <summary>Frames a WebSocket client has not read yet, per connection; past it the connection is dropped.</summary>
    public long WsSendBufferBytes { get; init; } = 16 * 1024 * 1024;
    public int WsMaxInflightRuns { get; init; } = 128;
    /// <summary>Request bodies of the LinkUrl route (its callers authenticate with the session token).</summary>
    public long MaxLinkRequestBytes { get; init; } = 8 * 1024 * 1024;
    /// <summary>How much of a LinkUrl body is read to find a "token" when there is no X-Access-Token header.</summary>
    public int LinkTokenPrefixBytes { get; init; } = 4 * 1024;
    /// <summary>A request body that brings no data for this long is cut (the connection is closed).</summary>
    public TimeSpan BodyIdleTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public int WsMaxSocketsPerSession { get; init; } = 4;
    public int WsMaxSocketsPerTenant { get; init; } = 32;
    /// <summary>Runs waiting or running on WebSockets, all of a session's (or tenant's) connections together.</summary>
    public int WsMaxQueuedRunsPerSession { get; init; } = 128;
    public int WsMaxQueuedRunsPerTenant { get; init; } = 512;
    /// <summary>The code of those runs, in UTF-8 bytes.</summary>
    public long WsMaxQueuedCodeBytesPerSession { get; init; } = 16 * 1024 * 1024;
    public long WsMaxQueuedCodeBytesPerTenant { get; init; } = 64 * 1024 * 1024;
    /// <summary>Reverse proxies whose X-Forwarded-Host/-Proto may name the public URL (only when PublicUrl is not set).</summary>
    public IReadOnlyList<IPAddress> TrustedProxies { get; init; } = [];
    /// <summary>How long a shutdown lets runs finish before it cancels them.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Sessions the engine keeps made ahead (sandbox, volume, running kernel), so CreateSession answers at once.</summary>
    public int SpareSessions { get; init; } = 1;
    /// <summary>Where the code images are declared, one folder per image (AGBCODE_IMAGES_DIR; the engine's default otherwise).</summary>
    public string ImagesDir { get; init; } = AgbCode.Engine.Images.ImageCatalog.DefaultFolder;
    /// <summary>Tenants whose CreateSession may ask for a network allow-list (agbcodeNetwork); none by default.</summary>
    public IReadOnlySet<string> NetworkTenants { get; init; } = new HashSet<string>();
    /// <summary>How long a context file's signed upload or download URL stays valid.</summary>
    public TimeSpan ContextUrlLifetime { get; init; } = TimeSpan.FromSeconds(900);
    /// <summary>The largest file one signed upload URL accepts.</summary>
    public long ContextUploadMaxBytes { get; init; } = 256L * 1024 * 1024;
    /// <summary>"json" (one JSON object a line, with scopes: the default) or "text".</summary>
    public string LogFormat { get; init; } = "json";

    public const string Prefix = "AGBCODE_";
    public const string NetworkTenantsSetting = "NETWORK_TENANTS";
    public const string ContextUrlLifetimeSetting = "CONTEXT_URL_TTL_SEC";
    public const string ContextUploadMaxBytesSetting = "CONTEXT_UPLOAD_MAX_BYTES";

    public static ServerOptions From(IConfiguration config)
    {
        var reader = new Reader(config);
        string instance = reader.String("INSTANCE_ID") ?? NewInstanceId();
        if (!InstanceIdPattern().IsMatch(instance))
            throw new ConfigurationError($"{Prefix}INSTANCE_ID '{instance}' must be 1-32 lowercase letters, digits or dashes.");
        var options = new ServerOptions
        {
            PublicUrl = reader.Url("PUBLIC_URL"),
            InstanceId = instance,
            MaxSessions = reader.Int("MAX_SESSIONS", 100, min: 1),
            MaxSessionsPerTenant = reader.Int("MAX_SESSIONS_PER_TENANT", 20, min: 1),
            DefaultIdleTimeout = TimeSpan.FromSeconds(reader.Int("IDLE_TIMEOUT_SEC", 300, min: 1)),
            MaxIdleTimeout = TimeSpan.FromSeconds(reader.Int("MAX_IDLE_TIMEOUT_SEC", 24 * 3600, min: 1)),
            MaxRunTimeoutSec = reader.Int("MAX_RUN_TIMEOUT_SEC", 3600, min: 1, max: (int)RunRequest.MaxTimeoutSec),
            MaxCodeBytes = reader.Int("MAX_CODE_BYTES", 1024 * 1024, min: 1024, max: RunRequest.MaxCodeBytes),
            MaxRequestBytes = reader.Int("MAX_REQUEST_BYTES", 8 * 1024 * 1024, min: 16 * 1024),
            MaxFrameBytes = reader.Int("MAX_FRAME_BYTES", 8 * 1024 * 1024, min: 16 * 1024),
            MaxFileChunkBytes = reader.Int("MAX_FILE_CHUNK_BYTES", 4 * 1024 * 1024, min: 64 * 1024, max: 64 * 1024 * 1024),
            MaxListEntries = reader.Int("MAX_LIST_ENTRIES", 100_000, min: 100),
            WsSendBufferBytes = reader.Int("WS_SEND_BUFFER_BYTES", 16 * 1024 * 1024, min: 64 * 1024),
            WsMaxInflightRuns = reader.Int("WS_MAX_INFLIGHT_RUNS", 128, min: 1),
            MaxLinkRequestBytes = reader.Int("MAX_LINK_REQUEST_BYTES", 8 * 1024 * 1024, min: 16 * 1024),
            LinkTokenPrefixBytes = reader.Int("LINK_TOKEN_PREFIX_BYTES", 4 * 1024, min: 256, max: 64 * 1024),
            BodyIdleTimeout = TimeSpan.FromSeconds(reader.Int("BODY_IDLE_TIMEOUT_SEC", 10, min: 1, max: 600)),
            WsMaxSocketsPerSession = reader.Int("WS_MAX_SOCKETS_PER_SESSION", 4, min: 1),
            WsMaxSocketsPerTenant = reader.Int("WS_MAX_SOCKETS_PER_TENANT", 32, min: 1),
            WsMaxQueuedRunsPerSession = reader.Int("WS_MAX_QUEUED_RUNS_PER_SESSION", 128, min: 1),
            WsMaxQueuedRunsPerTenant = reader.Int("WS_MAX_QUEUED_RUNS_PER_TENANT", 512, min: 1),
            WsMaxQueuedCodeBytesPerSession = reader.Int("WS_MAX_QUEUED_CODE_BYTES_PER_SESSION", 16 * 1024 * 1024, min: 64 * 1024),
            WsMaxQueuedCodeBytesPerTenant = reader.Int("WS_MAX_QUEUED_CODE_BYTES_PER_TENANT", 64 * 1024 * 1024, min: 64 * 1024),
            TrustedProxies = reader.Addresses("TRUSTED_PROXIES"),
            ShutdownGrace = TimeSpan.FromSeconds(reader.Int("SHUTDOWN_GRACE_SEC", 10, min: 0, max: 3600)),
            SpareSessions = reader.Int("SPARE_SESSIONS", 1, min: 0, max: 16),
            ContextUrlLifetime = TimeSpan.FromSeconds(reader.Int(ContextUrlLifetimeSetting, 900, min: 1, max: 7 * 24 * 3600)),
            ContextUploadMaxBytes = reader.Int(ContextUploadMaxBytesSetting, 256 * 1024 * 1024, min: 1024),
            LogFormat = reader.String("LOG_FORMAT") ?? "json",
            ImagesDir = reader.String("IMAGES_DIR") ?? AgbCode.Engine.Images.ImageCatalog.DefaultFolder,
            NetworkTenants = reader.Tenants(NetworkTenantsSetting),
        };
        if (options.LogFormat is not ("json" or "text"))
            throw new ConfigurationError($"{Prefix}LOG_FORMAT must be json or text; got '{options.LogFormat}'.");
        if (options.DefaultIdleTimeout > options.MaxIdleTimeout)
            throw new ConfigurationError($"{Prefix}IDLE_TIMEOUT_SEC must not exceed {Prefix}MAX_IDLE_TIMEOUT_SEC.");
        if (options.MaxSessionsPerTenant > options.MaxSessions)
            throw new ConfigurationError($"{Prefix}MAX_SESSIONS_PER_TENANT must not exceed {Prefix}MAX_SESSIONS.");
        return options;
    }

    private static string NewInstanceId() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$")]
    private static partial Regex InstanceIdPattern();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex TenantPattern();

    private sealed class Reader(IConfiguration config)
    {
        public string? String(string name)
        {
            string? value = config[Prefix + name];
            return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }

        public int Int(string name, int fallback, int min, int max = int.MaxValue)
        {
            string? raw = String(name);
            if (raw is null)
                return fallback;
            if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
                throw new ConfigurationError($"{Prefix}{name} must be a whole number from {min} to {max}; got '{raw}'.");
            return value;
        }

        public IReadOnlySet<string> Tenants(string name)
        {
            string? raw = String(name);
            var tenants = new HashSet<string>(StringComparer.Ordinal);
            foreach (string entry in (raw ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                tenants.Add(TenantPattern().IsMatch(entry) ? entry
                    : throw new ConfigurationError($"{Prefix}{name} lists tenant names separated by commas (1-64 letters, digits, dots, dashes or underscores); '{entry}' is not one."));
            return tenants;
        }

        public IReadOnlyList<IPAddress> Addresses(string name)
        {
            string? raw = String(name);
            if (raw is null)
                return [];
            var addresses = new List<IPAddress>();
            foreach (string entry in raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                addresses.Add(IPAddress.TryParse(entry, out IPAddress? address)
                    ? address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address
                    : throw new ConfigurationError($"{Prefix}{name} lists IP addresses separated by commas (e.g. 10.0.0.2,10.0.0.3); '{entry}' is not one."));
            return addresses;
        }

        public Uri? Url(string name)
        {
            string? raw = String(name);
            if (raw is null)
                return null;
            if (!Uri.TryCreate(raw.TrimEnd('/'), UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https")
                || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
                throw new ConfigurationError($"{Prefix}{name} must be an absolute http(s) URL without query, e.g. https://agb.example.com; got '{raw}'.");
            return uri;
        }
    }
}

/// <summary>A setting is missing or wrong; the server does not start, and the message says which and how to fix it.</summary>
public sealed class ConfigurationError(string message) : Exception(message);
