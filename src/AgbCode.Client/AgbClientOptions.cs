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
    /// Bytes per file-tool call when files move in or out of a session (write_file content, read_file length) on an
    /// endpoint that does not say how many it takes. The default is the SDKs' chunk, which every AGB endpoint accepts.
    /// An AgbCode server says it (read_file's "length" maximum in its tool list: 4 MiB by default), and that is used instead.
    /// </summary>
    public int FileChunkBytes { get; init; } = DefaultFileChunkBytes;
    public const int DefaultFileChunkBytes = 51_200;
    internal const int MinFileChunkBytes = 1024;
    internal const int MaxFileChunkBytes = 64 * 1024 * 1024;

    /// <summary>
    /// File-tool calls one transfer keeps in flight at once (small files written, chunks read ahead); with the chunk
    /// size this bounds the memory a transfer holds.
    /// </summary>
    public int FileParallelCalls { get; init; } = 4;

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
        if (FileChunkBytes is < MinFileChunkBytes or > MaxFileChunkBytes)
            throw new ArgumentOutOfRangeException(nameof(FileChunkBytes), FileChunkBytes, "must be from 1 KiB to 64 MiB");
        if (FileParallelCalls is < 1 or > 64)
            throw new ArgumentOutOfRangeException(nameof(FileParallelCalls), FileParallelCalls, "must be from 1 to 64");
        if (RunGrace < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(RunGrace), RunGrace, "must not be negative");
    }
}
