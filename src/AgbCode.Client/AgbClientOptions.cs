namespace AgbCode.Client;

/// <summary>How the client talks to an endpoint. The defaults suit the AGB cloud and the AgbCode server.</summary>
public sealed record AgbClientOptions
{
    /// <summary>Time limit of every API call other than a run (AGB SDK default: 60 s).</summary>
    public TimeSpan HttpTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long past a run's own timeout the client waits for the endpoint's answer before it gives up, reports a
    /// TimeoutError and disconnects (which stops the run on a server that cancels on disconnect).
    /// </summary>
    public TimeSpan RunGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time limit for opening a WebSocket connection.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often an open WebSocket sends a <c>{"type":"ping"}</c> heartbeat. Once an endpoint has answered one with a
    /// <c>{"type":"pong"}</c>, a ping left unanswered for two intervals means the connection is lost.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Stream runs over the session's WebSocket when it has one (live output). False: always use HTTP.</summary>
    public bool UseWebSocket { get; init; } = true;

    /// <summary>Allow the API key and session tokens over plain http/ws to hosts other than this machine. Unsafe.</summary>
    public bool AllowUnencryptedAuthentication { get; init; }

    /// <summary>How often a delete checks whether the endpoint has released the session, and for how long.</summary>
    public TimeSpan DeletePollInterval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan DeleteTimeout { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>The image whose tools tell which languages the endpoint runs (GetLanguagesAsync).</summary>
    public string LanguageProbeImage { get; init; } = Core.Sessions.SessionOptions.DefaultImage;

    /// <summary>
    /// Bytes per file-tool call when files move in or out of a session (write_file content, read_file length). The
    /// default is the SDKs' chunk, which every AGB endpoint accepts; the AgbCode server takes up to its
    /// AGBCODE_MAX_FILE_CHUNK_BYTES (4 MiB by default), and larger chunks mean far fewer calls.
    /// </summary>
    public int FileChunkBytes { get; init; } = DefaultFileChunkBytes;
    public const int DefaultFileChunkBytes = 51_200;

    /// <summary>The HTTP handler for API and LinkUrl calls (tests, proxies). Not disposed by the client.</summary>
    public HttpMessageHandler? Handler { get; init; }

    internal void Validate()
    {
        static void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero)
                throw new ArgumentOutOfRangeException(name, value, "must be positive");
        }
        Positive(HttpTimeout, nameof(HttpTimeout));
        Positive(ConnectTimeout, nameof(ConnectTimeout));
        Positive(HeartbeatInterval, nameof(HeartbeatInterval));
        Positive(DeletePollInterval, nameof(DeletePollInterval));
        Positive(DeleteTimeout, nameof(DeleteTimeout));
        if (FileChunkBytes is < 1024 or > 64 * 1024 * 1024)
            throw new ArgumentOutOfRangeException(nameof(FileChunkBytes), FileChunkBytes, "must be from 1 KiB to 64 MiB");
        if (RunGrace < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(RunGrace), RunGrace, "must not be negative");
    }
}
