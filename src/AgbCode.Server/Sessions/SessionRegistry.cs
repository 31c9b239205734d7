using System.Collections.Concurrent;
using AgbCode.Core.Sessions;
using SessionOptions = AgbCode.Core.Sessions.SessionOptions;
using AgbCode.Server.Api;
using AgbCode.Server.Config;
using AgbCode.Server.Ops;

namespace AgbCode.Server.Sessions;

/// <summary>
/// The sessions this instance holds, by id, each owned by one tenant. A tenant sees only its own: every lookup with
/// another tenant's id answers exactly as for a missing one. Enforces the session limits and notices idle releases.
/// </summary>
public sealed class SessionRegistry : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, HostedSession> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perTenant = new(StringComparer.Ordinal);   // live + being created, under _gate
    private readonly object _gate = new();
    private readonly ICodeSpace _space;
    private readonly ServerOptions _options;
    private readonly ServerMetrics _metrics;
    private readonly ShutdownCoordinator _shutdown;
    private readonly ILogger<SessionRegistry> _logger;
    private readonly Timer _sweep;
    private int _total;

    public SessionRegistry(ICodeSpace space, ServerOptions options, ServerMetrics metrics, ShutdownCoordinator shutdown, ILogger<SessionRegistry> logger)
    {
        _space = space;
        _options = options;
        _metrics = metrics;
        _shutdown = shutdown;
        _logger = logger;
        _sweep = new Timer(_ => SweepReleased(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public int Count => _sessions.Count;

    /// <summary>Sessions held or being created, in all and of this tenant: what the limits count (and placement compares).</summary>
    public (int Total, int OfTenant) Held(string? tenant)
    {
        lock (_gate)
            return (_total, tenant is null ? 0 : _perTenant.GetValueOrDefault(tenant));
    }

    public async Task<HostedSession> CreateAsync(string tenant, string imageId, IReadOnlyDictionary<string, string> labels, TimeSpan idleTimeout,
        NetworkAllowList network, CancellationToken cancellationToken, IReadOnlyList<Contexts.MountedContext>? contexts = null)
    {
        if (_shutdown.IsStopping)
            throw ApiError.ShuttingDown();
        Reserve(tenant);
        try
        {
            string id = SessionIds.New(_options.InstanceId);
            ICodeSession engine = await _space.CreateSessionAsync(new SessionOptions
            {
                Name = id,
                Image = imageId,
                Labels = labels,
                IdleTimeout = idleTimeout,
                Network = network,
                Contexts = [.. (contexts ?? []).Select(c => new AgbCode.Core.Contexts.ContextMount(c.ContextId, c.Path))],
                Tenant = tenant,
                ContextHolder = id,
            }, cancellationToken);
            var session = new HostedSession(id, tenant, imageId, engine, idleTimeout);
            session.Contexts.Mount(contexts ?? []);
            _sessions[id] = session;
            _metrics.SessionsCreated.Inc();
            _metrics.ActiveSessions.Set(_sessions.Count);
            _logger.LogInformation("Session {SessionId} created for tenant {Tenant} (idle timeout {IdleTimeoutSec} s)", id, tenant, idleTimeout.TotalSeconds);
            return session;
        }
        catch
        {
            Unreserve(tenant);
            throw;
        }
    }

    /// <summary>The tenant's live session with this id, or null (missing, released, or another tenant's).</summary>
    public HostedSession? Find(string tenant, string? id)
    {
        HostedSession? session = Lookup(id);
        return session is not null && string.Equals(session.Tenant, tenant, StringComparison.Ordinal) ? session : null;
    }

    /// <summary>The live session with this id if the access token is its own, or null.</summary>
    public HostedSession? FindByToken(string? id, string? token)
    {
        HostedSession? session = Lookup(id);
        // the token is checked (in constant time) even when there is no such session, so timing tells nothing
        bool accepted = session?.AcceptsToken(token) ?? Auth.Secrets.Matches(token ?? "", new byte[32]);
        return accepted ? session : null;
    }

    public IReadOnlyList<HostedSession> List(string tenant) =>
    [
        .. _sessions.Values.Where(s => s.IsAlive && string.Equals(s.Tenant, tenant, StringComparison.Ordinal))
            .OrderBy(s => s.CreatedAt).ThenBy(s => s.Id, StringComparer.Ordinal),
    ];

    public async Task<bool> ReleaseAsync(string tenant, string id, string reason)
    {
        if (Find(tenant, id) is not HostedSession session || !_sessions.TryRemove(id, out _))
            return false;
        await DeleteAsync(session, reason);
        return true;
    }

    /// <summary>Removes every session and its sandboxes (shutdown).</summary>
    public async Task ReleaseAllAsync(string reason)
    {
        var all = new List<HostedSession>();
        foreach (string id in _sessions.Keys)
        {
            if (_sessions.TryRemove(id, out HostedSession? session))
                all.Add(session);
        }
        await Task.WhenAll(all.Select(s => DeleteAsync(s, reason)));
    }

    private HostedSession? Lookup(string? id)
    {
        if (string.IsNullOrEmpty(id) || !_sessions.TryGetValue(id, out HostedSession? session))
            return null;
        return session.IsAlive ? session : null;
    }

    private async Task DeleteAsync(HostedSession session, string reason)
    {
        try
        {
            await _space.DeleteSessionAsync(session.Engine.Id, CancellationToken.None);
            _logger.LogInformation("Session {SessionId} of tenant {Tenant} released ({Reason})", session.Id, session.Tenant, reason);
        }
        catch (Exception failure)
        {
            _logger.LogError(failure, "Session {SessionId} of tenant {Tenant} could not be released ({Reason}): {Error}",
                session.Id, session.Tenant, reason, failure.Message);
            throw;
        }
        finally
        {
            Unreserve(session.Tenant);
            _metrics.SessionsReleased.WithLabels(reason).Inc();
            _metrics.ActiveSessions.Set(_sessions.Count);
        }
    }

    /// <summary>The engine releases idle sessions itself; this forgets them and counts the release.</summary>
    private void SweepReleased()
    {
        foreach (HostedSession session in _sessions.Values)
        {
            if (!session.IsAlive && _sessions.TryRemove(session.Id, out _))
                _ = DeleteAsync(session, "idle").ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);   // logged there
        }
    }

    private void Reserve(string tenant)
    {
        lock (_gate)
        {
            int mine = _perTenant.GetValueOrDefault(tenant);
            if (mine >= _options.MaxSessionsPerTenant)
                throw new ApiError(429, "QuotaExceeded.Session",
                    $"This API key's tenant already holds {mine} sessions, the most this server allows per tenant (AGBCODE_MAX_SESSIONS_PER_TENANT). " +
                    "Delete sessions you no longer need, or let idle ones expire.");
            if (_total >= _options.MaxSessions)
                throw new ApiError(503, "ServiceUnavailable",
                    $"This server holds {_total} sessions, its maximum (AGBCODE_MAX_SESSIONS). Retry later or against another instance.");
            _perTenant[tenant] = mine + 1;
            _total++;
        }
    }

    private void Unreserve(string tenant)
    {
        lock (_gate)
        {
            int left = _perTenant.GetValueOrDefault(tenant) - 1;
            if (left <= 0)
                _perTenant.Remove(tenant);
            else
                _perTenant[tenant] = left;
            _total--;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _sweep.DisposeAsync();
        await ReleaseAllAsync("shutdown");
    }
}
