using System.Collections.Concurrent;
using AgbCode.Client.Files;
using AgbCode.Client.Http;
using AgbCode.Client.Parsing;
using AgbCode.Client.Routes;
using AgbCode.Client.Streaming;
using AgbCode.Core.Errors;
using AgbCode.Core.Files;
using AgbCode.Core.Languages;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Core.Values;

namespace AgbCode.Client;

/// <summary>
/// A session on an AGB endpoint. Runs stream over the session's WebSocket when it has <c>wsUrl</c> and a token, else
/// use the LinkUrl route when it has <c>linkUrl</c>, a token and a <c>run_code</c> tool with a server, else the API route.
/// A session seen only in a listing fetches its details (GetSession) before its first run.
/// </summary>
public sealed class AgbCloudSession : ICodeSession
{
    /// <summary>The AGB default idle release, used when a session was created without one.</summary>
    public static readonly TimeSpan DefaultIdleRelease = TimeSpan.FromMinutes(5);

    private static readonly Dictionary<string, string> WarmUp = new()
    {
        [LanguageRules.Python] = "pass",
        [LanguageRules.JavaScript] = "void 0",
        [LanguageRules.Java] = "System.out.flush();",
        [LanguageRules.R] = "invisible(NULL)",
    };

    private readonly AgbCloudSpace _space;
    private readonly SemaphoreSlim _routeLock = new(1, 1);
    private readonly ConcurrentDictionary<string, KernelInfo> _kernels = new(StringComparer.Ordinal);
    private SessionDetails? _details;
    private IRunRoute? _route;
    private WsConnectionPool? _pool;
    private IWorkspaceFiles? _files;
    private ToolChannel? _apiChannel;
    private ToolChannel? _linkChannel;
    private int _closed;
    private volatile SessionMetadata _metadata;

    internal AgbCloudSession(AgbCloudSpace space, string id, SessionDetails? details, SessionMetadata metadata, TimeSpan? idleTimeout, NetworkAllowList? network = null)
    {
        _space = space;
        _details = details;
        _metadata = metadata;
        Id = id;
        IdleTimeout = idleTimeout ?? DefaultIdleRelease;
        _network = network ?? NetworkAllowList.None;
    }

    private readonly NetworkAllowList _network;

    public string Id { get; }
    /// <summary>The name given at creation, kept on the endpoint as a reserved label (<see cref="ReservedLabels"/>).</summary>
    public string? Name => _metadata.Name;
    /// <summary>The image given at creation, from its reserved label ("" for a session made by another client).</summary>
    public string Image => _metadata.Image;
    /// <summary>The user's labels, without the reserved ones.</summary>
    public IReadOnlyDictionary<string, string> Labels => _metadata.Labels;
    /// <summary>When the session was created (its reserved label), else when this process first saw it.</summary>
    public DateTimeOffset CreatedAt => _metadata.CreatedAt;
    /// <summary>The endpoint's own limits apply; the AGB API neither takes nor reports them, so these are the defaults.</summary>
    public SessionLimits Limits => SessionLimits.Default;
    /// <summary>
    /// The local engine service states each protection of the session (once its details are known); another endpoint's
    /// sandbox cannot be inspected from here.
    /// </summary>
    public IsolationReport Isolation => UnixSocketTransport.IsUnix(_space.Endpoint)
        ? new(IsolationMode.Sandbox, _details?.Protections is { Count: > 0 } stated ? stated
            : [new Protection("Sandbox", true, $"provided by the local engine service; Get-AgbSession -Id {Id} shows its protections")])
          { Backend = $"local engine service {Location}", Network = AskedNetwork }
        : new(IsolationMode.Sandbox, [new Protection("Sandbox", true, $"provided by the endpoint {Location}; the client cannot inspect it")])
          { Backend = $"AGB endpoint {Location}", Network = AskedNetwork };

    /// <summary>The allow-list this process asked for at creation; the endpoint enforces it, the client cannot inspect it.</summary>
    private NetworkAccess? AskedNetwork => _network.IsEmpty ? null : new NetworkAccess([.. _network.Entries.Select(e => e.ToString())],
        "the endpoint's", $"asked of {Location} at creation; the endpoint enforces it and the client cannot inspect it");
    public string Location => _space.Location;
    public bool IsClosed => Volatile.Read(ref _closed) != 0;
    public IReadOnlyList<KernelInfo> Kernels => [.. _kernels.Values.OrderBy(k => k.Language, StringComparer.Ordinal)];
    public TimeSpan? IdleTimeout { get; }

    /// <summary>The tools the session's image offers (from its toolList); empty until its details are known.</summary>
    public IReadOnlyList<McpTool> Tools => _details?.Tools ?? [];
    public string? ResourceUrl => _details?.ResourceUrl;
    /// <summary>Whether runs stream live over a WebSocket (known once the session's details are).</summary>
    public bool CanStream => _route is StreamRoute;
    /// <summary>The route runs take ("WebSocket stream", "LinkUrl ...", "API ..."), once the session's details are known.</summary>
    public string? RunRoute => _route?.Name;

    public async Task<EnhancedCodeExecutionResult> RunAsync(RunRequest request, IRunObserver? observer = null, CancellationToken cancellationToken = default)
    {
        RunRequest valid = request.Validated();
        if (IsClosed)
            throw SessionErrors.Closed(Id);
        IRunRoute route;
        try
        {
            route = await RouteAsync(observer, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            EnhancedCodeExecutionResult notRun = RunLimits.StoppedWithoutOutput(RunErrorNames.Cancelled,
                "The run was cancelled before it started; nothing ran.", observer);
            notRun.Language = valid.Language;
            notRun.SessionId = Id;
            return notRun;
        }
        KernelInfo before = _kernels.GetValueOrDefault(valid.Language) ?? new KernelInfo(valid.Language, KernelState.Idle, 0, null);
        _kernels[valid.Language] = before with { State = KernelState.Busy };
        EnhancedCodeExecutionResult? result = null;
        try
        {
            result = await DefineAsync(route, valid, observer, cancellationToken).ConfigureAwait(false)
                     ?? await route.RunAsync(valid, observer, cancellationToken).ConfigureAwait(false);
        }
        catch (AgbException e) when (e.ErrorId == SessionErrors.SessionNotFound)
        {
            await CloseAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            int count = result is null ? before.ExecutionCount : result.ExecutionCount ?? before.ExecutionCount + 1;
            _kernels[valid.Language] = before with { State = KernelState.Idle, ExecutionCount = count };
        }
        result.Language = valid.Language;
        result.SessionId = Id;
        result.ExitCode ??= ExitStatus.Of(result.Error);   // the wire carries it only in the error text
        return result;
    }

    /// <summary>
    /// The AGB API's run_code takes only code: a run's variables and arguments are defined by a run of their own just
    /// before it (docs/protocol.md, "Values in"). Returns the run's failed result when they could not be, else null.
    /// </summary>
    private static async Task<EnhancedCodeExecutionResult?> DefineAsync(IRunRoute route, RunRequest request, IRunObserver? observer, CancellationToken cancellationToken)
    {
        if (RunDefinitions.For(request) is not { } definitions)
            return null;
        EnhancedCodeExecutionResult outcome = await route.RunAsync(
            new RunRequest(definitions, request.Language, request.TimeoutSec), null, cancellationToken).ConfigureAwait(false);
        if (outcome.Success)
            return null;
        ExecutionError failure = RunDefinitions.FailureOf(outcome.Error ?? new ExecutionError { Name = RunErrorNames.Execution, Value = outcome.ErrorMessage });
        return RunLimits.StoppedWithoutOutput(failure.Name, failure.Value, observer);
    }

    public async Task KeepAliveAsync(CancellationToken cancellationToken = default)
    {
        if (IsClosed)
            throw SessionErrors.Closed(Id);
        try
        {
            await _space.Api.RefreshIdleTimeAsync(Id, cancellationToken).ConfigureAwait(false);
        }
        catch (AgbException e) when (e.ErrorId == SessionErrors.SessionNotFound)
        {
            await CloseAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The session's workspace through the AGB file tools and shell (see <see cref="Files.AgbWorkspaceFiles"/>).</summary>
    public IWorkspaceFiles Files => _files ??= new AgbWorkspaceFiles(this, _space.Options);

    /// <summary>
    /// Calls one of the session's tools by the route the SDKs would take: LinkUrl when the session has a linkUrl, a token
    /// and the tool in its toolList with a server, else the API route. A gone session closes this one and throws.
    /// </summary>
    internal async Task<ToolReply> CallToolAsync(string tool, object args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (IsClosed)
            throw SessionErrors.Closed(Id);
        SessionDetails details = await DetailsAsync(cancellationToken).ConfigureAwait(false);
        string? server = details.Tools.FirstOrDefault(t => t.Name == tool && !string.IsNullOrEmpty(t.Server))?.Server;
        ToolChannel channel = server is not null && details.LinkUrl is Uri linkUrl && details.Token is string token && TokenMayGoTo(linkUrl, null)
            ? _linkChannel ??= new LinkToolChannel(_space.Api.Transport, linkUrl, token)
            : _apiChannel ??= new ApiToolChannel(_space.Api, Id);
        try
        {
            return await channel.CallAsync(tool, server, args, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AgbException e) when (e.ErrorId == SessionErrors.SessionNotFound)
        {
            await CloseAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The tools the session offers, from its details (fetched with GetSession when not yet known).</summary>
    internal async Task<IReadOnlyList<McpTool>> ToolListAsync(CancellationToken cancellationToken) =>
        (await DetailsAsync(cancellationToken).ConfigureAwait(false)).Tools;

    /// <summary>
    /// The AGB API starts kernels on first use and has no call to start one, so this runs a no-op snippet in the language;
    /// a kernel that cannot start fails here, at creation, rather than at the first real run.
    /// </summary>
    public async Task StartKernelAsync(string language, IRunObserver? observer = null, CancellationToken cancellationToken = default)
    {
        string canonical = LanguageRules.Normalize(language);
        observer?.OnDiagnostic($"Starting the {canonical} kernel of session {Id} at {Location}.");
        EnhancedCodeExecutionResult result = await RunAsync(new RunRequest(WarmUp[canonical], canonical), null, cancellationToken).ConfigureAwait(false);
        if (result.Error?.Name == RunErrorNames.Cancelled)
            throw new OperationCanceledException(cancellationToken);
        if (!result.Success)
            throw new AgbException(AgbErrorKind.Platform, SessionErrors.KernelStartFailed,
                $"The {canonical} kernel of session {Id} at {Location} did not start: {result.ErrorMessage}",
                "Check that the session's image supports the language (Get-AgbLanguage), or try again.");
    }

    /// <summary>Takes the name, labels and creation time the endpoint keeps (GetLabel), as another process set them.</summary>
    internal void Adopt(IReadOnlyDictionary<string, string> labels) => _metadata = SessionMetadata.FromLabels(labels, _metadata);

    internal void Refresh(SessionDetails details)
    {
        if (_route is null)
            _details = details;
    }

    private async Task<IRunRoute> RouteAsync(IRunObserver? observer, CancellationToken cancellationToken)
    {
        if (_route is IRunRoute known)
            return known;
        await _routeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_route is not null)
                return _route;
            SessionDetails details = await DetailsAsync(cancellationToken).ConfigureAwait(false);
            _route = ChooseRoute(details, observer);
            observer?.OnDiagnostic($"Session {Id} at {Location}: runs go by {_route.Name}.");
            return _route;
        }
        finally
        {
            _routeLock.Release();
        }
    }

    /// <summary>The session's details, fetched with GetSession the first time they are needed.</summary>
    private async Task<SessionDetails> DetailsAsync(CancellationToken cancellationToken)
    {
        if (_details is SessionDetails known)
            return known;
        SessionDetails? details = await _space.Api.GetSessionAsync(Id, cancellationToken).ConfigureAwait(false);
        if (details is null)
        {
            await CloseAsync().ConfigureAwait(false);
            throw AgbErrors.NotFound(Id, Location);
        }
        return _details = details;
    }

    private IRunRoute ChooseRoute(SessionDetails details, IRunObserver? observer)
    {
        AgbClientOptions options = _space.Options;
        if (options.UseWebSocket && details.WsUrl is Uri wsUrl && details.Token is string wsToken && TokenMayGoTo(wsUrl, observer))
        {
            _pool = new WsConnectionPool(ct => WsConnection.ConnectAsync(wsUrl, wsToken, Id, Location, options, _space.Api.Transport.WebSocketInvoker, ct));
            return new StreamRoute(_pool, details.RunCodeServer ?? WsFrames.DefaultTarget, options);
        }
        if (details.LinkUrl is Uri linkUrl && details.Token is string token && details.RunCodeServer is string server && TokenMayGoTo(linkUrl, observer))
            return new LinkUrlRoute(_space.Api.Transport, linkUrl, token, server, options);
        return new ApiRoute(_space.Api, Id, options);
    }

    // A session URL that would carry the token in clear to another machine is skipped: the API route still works.
    private bool TokenMayGoTo(Uri url, IRunObserver? observer)
    {
        if (CredentialPolicy.IsEncrypted(url) || CredentialPolicy.IsLoopback(url) || _space.Options.AllowUnencryptedAuthentication)
            return true;
        observer?.OnDiagnostic($"Not using {Redact.Url(url)}: it would send the session token unencrypted over the network.");
        return false;
    }

    /// <summary>Marks the session removed and closes its WebSockets.</summary>
    internal async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            return;
        _space.Forget(Id);
        if (_pool is not null)
            await _pool.DisposeAsync().ConfigureAwait(false);
    }

    public override string ToString() => Name is null ? Id : $"{Id} ({Name})";
}
