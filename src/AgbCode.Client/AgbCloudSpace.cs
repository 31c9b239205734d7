using System.Collections.Concurrent;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using AgbCode.Client.Http;
using AgbCode.Client.Parsing;
using AgbCode.Core.Errors;
using AgbCode.Core.Images;
using AgbCode.Core.Languages;
using AgbCode.Core.Sessions;

namespace AgbCode.Client;

/// <summary>
/// The remote backend: sessions on an AGB endpoint (the AGB cloud or an AgbCode server), spoken to over the AGB API.
/// </summary>
/// <remarks>
/// <para>How the module uses it:</para>
/// <code>
/// // null when neither -Endpoint nor $env:AGB_ENDPOINT names an endpoint: use the local engine then.
/// // The key: -ApiKey (SecureString) if given, else $env:AGB_API_KEY; missing → AgbApiKeyMissing.
/// ICodeSpace space = AgbCloudSpace.Open(Endpoint, ApiKey) ?? Backends.Local();
/// ICodeSession s = await space.CreateSessionAsync(new SessionOptions { Image = "agb-code-space-1" });
/// var result = await s.RunAsync(new RunRequest("print(1)", "py"), observer, stopToken);   // live chunks to observer
/// await space.DeleteSessionAsync(s.Id);
/// foreach (AgbCloudSpace remote in AgbCloudSpace.Opened) ...   // the remote backends in use, for Get-AgbSession
/// </code>
/// <para>
/// <see cref="Open"/> returns one shared instance per endpoint and key, so sessions found through one cmdlet are the
/// same objects in the next. <c>new AgbCloudSpace(endpoint, key, options)</c> makes a private one (tests, servers).
/// </para>
/// <para>
/// Errors are <see cref="AgbException"/>s: <c>AgbConnectionFailed</c> (unreachable, DNS, TLS, no answer in time),
/// <c>AgbAuthenticationFailed</c> (401/403), <c>AgbSessionNotFound</c>, <c>AgbRequestFailed</c> (the endpoint said no),
/// <c>AgbInsecureEndpoint</c> (a key over plain http to another machine), <c>AgbApiKeyMissing</c>. A run's own failure,
/// timeout or cancellation is a result with <c>Success = false</c>, as on the local engine. The key never appears in a
/// message, in <see cref="ToString"/> or in a diagnostic.
/// </para>
/// </remarks>
public sealed class AgbCloudSpace : ICodeSpace, IAsyncDisposable
{
    private const int ListPageSize = 100;
    private const int MaxListPages = 100;
    private static readonly ConcurrentDictionary<string, AgbCloudSpace> Shared = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, AgbCloudSession> _sessions = new(StringComparer.Ordinal);
    private volatile bool _listed;
    private readonly ApiTransport _transport;

    public AgbCloudSpace(Uri endpoint, string apiKey, AgbClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        bool local = UnixSocketTransport.IsUnix(endpoint);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme is not ("http" or "https") && !local))
            throw new AgbException(AgbErrorKind.BadInput, RemoteErrors.InvalidEndpoint, $"'{endpoint}' is not an http, https or unix URL.",
                "Pass an endpoint such as https://agb.example.com, http://127.0.0.1:8080 or unix:///run/agbcode/engine.sock.");
        if (string.IsNullOrWhiteSpace(apiKey) && !local)
            throw AgbErrors.ApiKeyRequired();
        Options = options ?? new AgbClientOptions();
        Options.Validate();
        if (!local)   // on a socket the service knows the caller by uid: no key is sent, so none meant for elsewhere leaks
            CredentialPolicy.RequireSafe(endpoint, "API key", Options.AllowUnencryptedAuthentication);
        Endpoint = endpoint;
        _transport = new ApiTransport(endpoint, local ? "" : apiKey.Trim(), Options.Handler);
        Api = new AgbApi(_transport, Options);
        _contexts = new Contexts.AgbContextStore(this, new ContextApi(_transport, Options));
    }

    private readonly Contexts.AgbContextStore _contexts;

    /// <summary>
    /// The shared space for an endpoint (<paramref name="endpoint"/>, else $env:AGB_ENDPOINT; no scheme means https)
    /// and a key (<paramref name="apiKey"/>, else $env:AGB_API_KEY; none for a unix:// socket endpoint), or null when no
    /// endpoint is named anywhere.
    /// </summary>
    public static AgbCloudSpace? Open(string? endpoint, SecureString? apiKey, AgbClientOptions? options = null,
        Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (AgbEndpoint.Resolve(endpoint, environment) is not Uri uri)
            return null;
        string key = UnixSocketTransport.IsUnix(uri) ? ""   // one space per socket, whatever key the environment holds
            : apiKey is { Length: > 0 } secure ? new System.Net.NetworkCredential("", secure).Password
            : environment(AgbEndpoint.ApiKeyVariable) ?? "";
        if (string.IsNullOrWhiteSpace(key) && !UnixSocketTransport.IsUnix(uri))
            throw AgbErrors.ApiKeyRequired();
        string id = uri.AbsoluteUri + "\n" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key.Trim())));
        if (Shared.TryGetValue(id, out AgbCloudSpace? existing))
            return existing;
        var created = new AgbCloudSpace(uri, key, options);
        return Shared.GetOrAdd(id, created);
    }

    /// <summary>The shared spaces <see cref="Open"/> has handed out in this process.</summary>
    public static IReadOnlyList<AgbCloudSpace> Opened => [.. Shared.Values];

    /// <summary>
    /// Whether this process has used this endpoint for sessions: it made or found one here, or listed them. An endpoint
    /// only asked something else (its languages, perhaps while unreachable) has not been.
    /// </summary>
    public bool HoldsSessions => _listed || !_sessions.IsEmpty;

    public Uri Endpoint { get; }
    public AgbClientOptions Options { get; }
    /// <summary>The endpoint URL (scheme, host, port, path), as sessions report it.</summary>
    public string Location => _transport.EndpointText;
    internal AgbApi Api { get; }

    public async Task<ICodeSession> CreateSessionAsync(SessionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Environment.Count > 0)
            throw new AgbException(AgbErrorKind.BadInput, SessionErrors.EnvironmentNotSupported,
                "A remote session cannot be given environment variables: the AGB API's CreateSession takes none, and variables " +
                "set by code at the start of a kernel would be lost whenever the endpoint restarts it.",
                "Pass the values to each run with Invoke-AgbCode -Variable, or use a local session (leave out -Endpoint).");
        if (string.IsNullOrWhiteSpace(options.Image))
            throw new AgbException(AgbErrorKind.BadInput, ImageErrors.UnknownImageId, "The image id is empty.",
                $"Leave -Image out to get {SessionOptions.DefaultImage}.");
        ReservedLabels.CheckUserLabels(options.Labels);
        string[] languages = [.. options.StartLanguages.Select(LanguageRules.Normalize)];
        int? idleSeconds = options.IdleTimeout is TimeSpan idle && idle > TimeSpan.Zero ? (int)Math.Ceiling(idle.TotalSeconds) : null;
        var metadata = SessionMetadata.ForNew(options);
        IReadOnlyList<AgbCode.Core.Contexts.ContextMount> contexts = await _contexts.ResolveAsync(options.Contexts, cancellationToken).ConfigureAwait(false);
        SessionDetails details = await Api.CreateSessionAsync(options.Image, metadata.ToLabels(), idleSeconds,
            [.. options.Network.Entries.Select(e => e.ToString())], contexts, cancellationToken).ConfigureAwait(false);
        var session = new AgbCloudSession(this, details.SessionId, details, metadata, options.IdleTimeout, options.Network);
        _sessions[session.Id] = session;
        try
        {
            foreach (string language in languages)
                await session.StartKernelAsync(language, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            try
            {
                await DeleteSessionAsync(session.Id, CancellationToken.None).ConfigureAwait(false);
            }
            catch (AgbException)
            {
                // the first failure is the one to report
            }
            throw;
        }
        return session;
    }

    public async Task<ICodeSession?> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(sessionId))
            return null;
        SessionDetails? details = await Api.GetSessionAsync(sessionId, cancellationToken).ConfigureAwait(false);
        if (details is null)
        {
            if (_sessions.TryGetValue(sessionId, out AgbCloudSession? gone))
                await gone.CloseAsync().ConfigureAwait(false);
            return null;
        }
        if (!_sessions.TryGetValue(sessionId, out AgbCloudSession? session))
        {
            if (await Api.GetLabelsAsync(sessionId, cancellationToken).ConfigureAwait(false) is not { } labels)
                return null;
            session = _sessions.GetOrAdd(sessionId, id => Found(id, details, labels));
        }
        session.Refresh(details);
        return session;
    }

    public Task<IReadOnlyList<ICodeSession>> ListSessionsAsync(CancellationToken cancellationToken = default) =>
        ListSessionsAsync(null, cancellationToken);

    /// <summary>The endpoint's active sessions for this key, optionally only those with all of <paramref name="labels"/>.</summary>
    public async Task<IReadOnlyList<ICodeSession>> ListSessionsAsync(IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken = default)
    {
        var ids = new List<string>();
        var seenTokens = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        for (int page = 0; page < MaxListPages; page++)
        {
            (IReadOnlyList<string> listed, string? next) = await Api.ListSessionsAsync(labels, token, ListPageSize, cancellationToken).ConfigureAwait(false);
            ids.AddRange(listed);
            if (next is null || !seenTokens.Add(next))
                break;
            token = next;
        }
        _listed = true;
        await AdoptNewAsync(ids.Distinct(StringComparer.Ordinal).Where(id => !_sessions.ContainsKey(id)), cancellationToken).ConfigureAwait(false);
        return [.. ids.Distinct(StringComparer.Ordinal).Select(id => _sessions.GetValueOrDefault(id)).OfType<AgbCloudSession>()];
    }

    /// <summary>
    /// Sessions seen for the first time get their name, labels and creation time from the endpoint (GetLabel), a few at
    /// a time; one that is gone meanwhile is left out.
    /// </summary>
    private Task AdoptNewAsync(IEnumerable<string> ids, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = LabelReadsInParallel, CancellationToken = cancellationToken },
            async (id, token) =>
            {
                if (await Api.GetLabelsAsync(id, token).ConfigureAwait(false) is { } labels)
                    _sessions.GetOrAdd(id, key => Found(key, null, labels));
            });

    private const int LabelReadsInParallel = 8;

    private AgbCloudSession Found(string id, SessionDetails? details, IReadOnlyDictionary<string, string> labels)
    {
        var session = new AgbCloudSession(this, id, details, SessionMetadata.Unknown(), null);
        session.Adopt(labels);
        return session;
    }

    /// <summary>
    /// The four AGB languages, available when the endpoint's <see cref="AgbClientOptions.LanguageProbeImage"/> offers the
    /// run_code tool (ListMcpTools). The runtimes are the endpoint's and are not reported.
    /// </summary>
    public Task<IReadOnlyList<string>> ListImagesAsync(CancellationToken cancellationToken = default) =>
        Api.ListImagesAsync(cancellationToken);

    public Task<IReadOnlyList<ImagePackage>> GetImagePackagesAsync(string image, CancellationToken cancellationToken = default) =>
        Api.GetImagePackagesAsync(image, cancellationToken);

    public async Task<IReadOnlyList<LanguageSupport>> GetLanguagesAsync(CancellationToken cancellationToken = default)
    {
        string image = Options.LanguageProbeImage;
        IReadOnlyList<McpTool> tools = await Api.ListToolsAsync(image, cancellationToken).ConfigureAwait(false);
        bool runsCode = tools.Any(t => t.Name == "run_code");
        return
        [
            .. LanguageRules.All.Select(l => runsCode
                ? new LanguageSupport(l.Name, true, $"{image} at {Location}", null)
                : new LanguageSupport(l.Name, false, null, $"the image {image} at {Location} offers no run_code tool")),
        ];
    }

    /// <summary>The key's contexts on the endpoint (<see cref="Contexts.AgbContextStore"/>).</summary>
    public AgbCode.Core.Contexts.IContextStore Contexts => _contexts;

    /// <summary>
    /// Releases the session (DeleteSessionAsync), then waits until the endpoint reports it gone (not found, or status
    /// FINISH), checking every <see cref="AgbClientOptions.DeletePollInterval"/> for at most <see cref="AgbClientOptions.DeleteTimeout"/>.
    /// </summary>
    public async Task<bool> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(sessionId))
            return false;
        bool existed = await Api.ReleaseSessionAsync(sessionId, cancellationToken).ConfigureAwait(false);
        if (existed)
            await WaitUntilGoneAsync(sessionId, cancellationToken).ConfigureAwait(false);
        if (_sessions.TryGetValue(sessionId, out AgbCloudSession? known))
            await known.CloseAsync().ConfigureAwait(false);
        return existed;
    }

    private async Task WaitUntilGoneAsync(string sessionId, CancellationToken cancellationToken)
    {
        DateTime giveUp = DateTime.UtcNow + Options.DeleteTimeout;
        while (true)
        {
            string? status = await Api.GetStatusAsync(sessionId, cancellationToken).ConfigureAwait(false);
            if (status is null or "FINISH" or "DELETED")
                return;
            if (DateTime.UtcNow >= giveUp)
                throw new AgbException(AgbErrorKind.Platform, SessionErrors.DeleteTimeout,
                    $"Timeout waiting for session deletion after {ApiTransport.Seconds(Options.DeleteTimeout)}: {Location} still reports session {sessionId} as '{status}'.",
                    "The endpoint accepted the release and should finish it; check again later with Get-AgbSession.");
            await Task.Delay(Options.DeletePollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    internal void Forget(string sessionId) => _sessions.TryRemove(sessionId, out _);

    /// <summary>Closes the sessions' WebSockets and the HTTP client; the sessions themselves stay on the endpoint.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (AgbCloudSession session in _sessions.Values)
            await session.CloseAsync().ConfigureAwait(false);
        _transport.Dispose();
    }

    public override string ToString() => $"AGB endpoint {Location}";
}
