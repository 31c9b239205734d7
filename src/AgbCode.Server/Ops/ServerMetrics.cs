using Prometheus;

namespace AgbCode.Server.Ops;

/// <summary>
/// The server's Prometheus metrics, in a registry of this app's own (two servers in one process, as in the tests, do
/// not mix their counts). Served at /metrics. No label carries a tenant name or a session id.
/// </summary>
public sealed class ServerMetrics
{
    public ServerMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        IMetricFactory factory = Metrics.WithCustomRegistry(Registry);
        ActiveSessions = factory.CreateGauge("agbcode_sessions", "Sessions this instance holds now.");
        SessionsCreated = factory.CreateCounter("agbcode_sessions_created_total", "Sessions created.");
        SessionsReleased = factory.CreateCounter("agbcode_sessions_released_total", "Sessions released, by reason.",
            new CounterConfiguration { LabelNames = ["reason"] });
        Runs = factory.CreateCounter("agbcode_runs_total", "Runs, by language, route (api, link, stream) and outcome.",
            new CounterConfiguration { LabelNames = ["language", "route", "outcome"] });
        RunDuration = factory.CreateHistogram("agbcode_run_duration_seconds", "Run duration from request to result, by language and route.",
            new HistogramConfiguration
            {
                LabelNames = ["language", "route"],
                Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
            });
        Errors = factory.CreateCounter("agbcode_api_errors_total", "Requests and stream invocations refused, by AGB error code.",
            new CounterConfiguration { LabelNames = ["code"] });
        SandboxKills = factory.CreateCounter("agbcode_sandbox_kills_total", "Kernels whose sandbox was killed or died during a run, by language and error.",
            new CounterConfiguration { LabelNames = ["language", "reason"] });
        WebSockets = factory.CreateGauge("agbcode_websockets", "Open WebSocket streaming connections.");
        RelayedWebSockets = factory.CreateGauge("agbcode_relayed_websockets",
            "WebSocket connections this instance relays to the instance that holds their session.");
        SlowReaders = factory.CreateCounter("agbcode_websocket_slow_reader_drops_total",
            "WebSocket connections dropped because the client read too slowly (AGBCODE_WS_SEND_BUFFER_BYTES).");
    }

    public CollectorRegistry Registry { get; }
    public Gauge ActiveSessions { get; }
    public Counter SessionsCreated { get; }
    public Counter SessionsReleased { get; }
    public Counter Runs { get; }
    public Histogram RunDuration { get; }
    public Counter Errors { get; }
    public Counter SandboxKills { get; }
    public Gauge WebSockets { get; }
    public Gauge RelayedWebSockets { get; }
    public Counter SlowReaders { get; }
}
