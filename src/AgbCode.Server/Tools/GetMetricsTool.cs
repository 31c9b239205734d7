using System.Globalization;
using System.Text.Json.Nodes;
using AgbCode.Core.Files;
using AgbCode.Core.Sessions;
using AgbCode.Server.Api;
using AgbCode.Server.Tools.Files;

namespace AgbCode.Server.Tools;

/// <summary>
/// get_metrics {}: the session's resources as the SDKs read them. The totals are the session's limits (CPU cores,
/// memory, workspace disk). The disk in use is measured in the sandbox (du of the workspace). Memory and CPU come from
/// the engine's reading of the session's cgroup (ICodeSession.GetUsageAsync): mem_used is the memory in use now, and
/// cpu_used_pct is the CPU time the session used over a window of <see cref="CpuWindow"/> within this call (two readings,
/// taken after the du probe so that its own sandbox is not counted), as a share of cpu_count cores. A backend without
/// a reading reports 0 for both. Sessions have no network, so the network counters are 0.
/// </summary>
public sealed class GetMetricsTool() : WorkspaceTool("get_metrics",
    "The session's resources: cpu_count, cpu_used_pct, mem_total, mem_used, disk_total, disk_used (bytes), network counters, timestamp.",
    Schema.Object())
{
    public static readonly TimeSpan CpuWindow = TimeSpan.FromMilliseconds(250);
    private const string DiskProbe = "du -sk . 2>/dev/null | cut -f1";

    protected override async Task<ToolAnswer> RunAsync(ToolCall call, IWorkspaceFiles files)
    {
        ICodeSession session = call.Session.Engine;
        SessionLimits limits = session.Limits;
        ShellResult probe = await files.ShellAsync(DiskProbe, null, null, TimeSpan.FromSeconds(10), call.Cancellation);
        long diskUsed = Number(probe.Stdout.Trim()) * 1024;
        SessionUsage? first = await session.GetUsageAsync(call.Cancellation);
        await Task.Delay(CpuWindow, call.Cancellation);
        SessionUsage? second = await session.GetUsageAsync(call.Cancellation);
        int cpuCount = Math.Max(1, Math.Min(Environment.ProcessorCount, (int)Math.Ceiling(limits.CpuCores)));
        var metrics = new JsonObject
        {
            ["cpu_count"] = cpuCount,
            ["cpu_used_pct"] = CpuPercent(first, second, cpuCount),
            ["mem_total"] = limits.MemoryBytes,
            ["mem_used"] = Math.Min(second?.MemoryBytes ?? 0, limits.MemoryBytes),
            ["disk_total"] = limits.DiskBytes,
            ["disk_used"] = Math.Min(diskUsed, limits.DiskBytes),
            ["rx_rate_kbyte_per_s"] = 0.0,
            ["tx_rate_kbyte_per_s"] = 0.0,
            ["rx_used_kbyte"] = 0.0,
            ["tx_used_kbyte"] = 0.0,
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        };
        return new ToolAnswer(metrics.ToJsonString(WireJson.Options));
    }

    /// <summary>CPU time between two readings as a percentage of <paramref name="cpuCount"/> cores over the time between them (0–100).</summary>
    private static double CpuPercent(SessionUsage? first, SessionUsage? second, int cpuCount)
    {
        if (first?.CpuTime is not TimeSpan before || second?.CpuTime is not TimeSpan after)
            return 0.0;
        double wall = (second.MeasuredAt - first.MeasuredAt).TotalSeconds;
        return wall <= 0 ? 0.0 : Math.Round(Math.Clamp((after - before).TotalSeconds / wall / cpuCount * 100, 0, 100), 2);
    }

    private static long Number(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : 0;
}
