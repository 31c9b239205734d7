using AgbCode.Server.Api;
using AgbCode.Server.Config;
using AgbCode.Server.Sessions;

namespace AgbCode.Server.Streaming;

/// <summary>
/// What WebSockets may hold across connections: open sockets, and runs waiting or running with the bytes of their code,
/// each counted per session and per tenant (a per-connection bound alone is multiplied by opening more connections).
/// Every admission is a lease, given back when the socket or run ends; past a bound, the refusal names the setting.
/// </summary>
public sealed class StreamQuotas(ServerOptions options)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Usage> _bySession = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Usage> _byTenant = new(StringComparer.Ordinal);

    private sealed class Usage
    {
        public long Sockets;
        public long Runs;
        public long CodeBytes;
        public bool IsEmpty => Sockets == 0 && Runs == 0 && CodeBytes == 0;
    }

    /// <summary>One more WebSocket on the session, or a 429 naming the bound.</summary>
    public IDisposable OpenSocket(HostedSession session) => Admit(session, new Usage { Sockets = 1 });

    /// <summary>One more queued run with this much code (its frame's size), or a 429 naming the bound.</summary>
    public IDisposable AdmitRun(HostedSession session, long codeBytes) => Admit(session, new Usage { Runs = 1, CodeBytes = codeBytes });

    /// <summary>Refuses (429) a run of this many code bytes that could not be queued now, without queueing it.</summary>
    public void CheckRoom(HostedSession session, long codeBytes)
    {
        lock (_gate)
            Check(session, new Usage { Runs = 1, CodeBytes = codeBytes });
    }

    private IDisposable Admit(HostedSession session, Usage add)
    {
        lock (_gate)
        {
            var (mine, tenant) = Check(session, add);
            Apply(_bySession[session.Id] = mine, add, +1);
            Apply(_byTenant[session.Tenant] = tenant, add, +1);
        }
        return new Lease(() => Release(session, add));
    }

    private (Usage Session, Usage Tenant) Check(HostedSession session, Usage add)
    {
        Usage mine = _bySession.GetValueOrDefault(session.Id) ?? new Usage();
        Usage tenant = _byTenant.GetValueOrDefault(session.Tenant) ?? new Usage();
        Check(mine.Sockets, add.Sockets, options.WsMaxSocketsPerSession, "WebSockets open", "session", "WS_MAX_SOCKETS_PER_SESSION");
        Check(tenant.Sockets, add.Sockets, options.WsMaxSocketsPerTenant, "WebSockets open", "tenant", "WS_MAX_SOCKETS_PER_TENANT");
        Check(mine.Runs, add.Runs, options.WsMaxQueuedRunsPerSession, "WebSocket runs waiting or running", "session", "WS_MAX_QUEUED_RUNS_PER_SESSION");
        Check(tenant.Runs, add.Runs, options.WsMaxQueuedRunsPerTenant, "WebSocket runs waiting or running", "tenant", "WS_MAX_QUEUED_RUNS_PER_TENANT");
        CheckBytes(mine.CodeBytes, add.CodeBytes, options.WsMaxQueuedCodeBytesPerSession, "session", "WS_MAX_QUEUED_CODE_BYTES_PER_SESSION");
        CheckBytes(tenant.CodeBytes, add.CodeBytes, options.WsMaxQueuedCodeBytesPerTenant, "tenant", "WS_MAX_QUEUED_CODE_BYTES_PER_TENANT");
        return (mine, tenant);
    }

    private void Release(HostedSession session, Usage add)
    {
        lock (_gate)
        {
            Forget(_bySession, session.Id, add);
            Forget(_byTenant, session.Tenant, add);
        }
    }

    private static void Forget(Dictionary<string, Usage> table, string key, Usage add)
    {
        if (!table.TryGetValue(key, out Usage? usage))
            return;
        Apply(usage, add, -1);
        if (usage.IsEmpty)
            table.Remove(key);
    }

    private static void Apply(Usage usage, Usage add, int sign)
    {
        usage.Sockets += sign * add.Sockets;
        usage.Runs += sign * add.Runs;
        usage.CodeBytes += sign * add.CodeBytes;
    }

    private static void Check(long used, long adding, long limit, string what, string scope, string setting)
    {
        if (adding > 0 && used + adding > limit)
            throw Refusal($"This {scope} already has {used} {what}, the most this server allows per {scope}", setting);
    }

    private static void CheckBytes(long used, long adding, long limit, string scope, string setting)
    {
        if (adding > 0 && used + adding > limit)
            throw Refusal($"This {scope}'s WebSocket runs waiting or running hold {ApiError.Sizes(used)} of code; this run's " +
                          $"{ApiError.Sizes(adding)} would pass the {ApiError.Sizes(limit)} allowed per {scope}", setting);
    }

    private static ApiError Refusal(string what, string setting) => new(429, "TooManyRequests",
        $"{what} ({ServerOptions.Prefix}{setting}). Wait for runs to end or close connections you do not use " +
        "(one WebSocket carries any number of runs), or ask the operator to raise the setting.");

    private sealed class Lease(Action release) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                release();
        }
    }
}
