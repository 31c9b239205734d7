using System.Globalization;
using System.Text.Json.Nodes;
using AgbCode.Core.Files;
using AgbCode.Core.Sessions;
using AgbCode.Server.Api;
using AgbCode.Server.Tools.Files;

namespace AgbCode.Server.Tools;

/// <summary>
/// get_metrics {}: the session's resources as the SDKs read them. The totals are the session's limits (CPU cores,
/// memory, workspace disk); the disk in use is measured in the sandbox (du of the workspace), the memory in use is the
/// sandbox's cgroup reading when the sandbox can see it (else 0). The engine reports no CPU usage, so cpu_used_pct is 0;
/// sessions have no network, so the network counters are 0.
/// </summary>
public sealed class GetMetricsTool() : WorkspaceTool("get_metrics",
    "The session's resources: cpu_count, cpu_used_pct, mem_total, mem_used, disk_total, disk_used (bytes), network counters, timestamp.",
    Schema.Object())
{
    // du's total for the workspace, then the cgroup's memory reading if the sandbox shows one; each on its own line.
    private const string Probe = "du -sk . 2>/dev/null | cut -f1; cat /sys/fs/cgroup/memory.current 2>/dev/null || echo 0";

    protected override async Task<ToolAnswer> RunAsync(ToolCall call, IWorkspaceFiles files)
    {
        SessionLimits limits = call.Session.Engine.Limits;
        ShellResult probe = await files.ShellAsync(Probe, null, null, TimeSpan.FromSeconds(10), call.Cancellation);
        string[] lines = probe.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        long diskUsed = Number(lines.ElementAtOrDefault(0)) * 1024;
        long memUsed = Number(lines.ElementAtOrDefault(1));
        var metrics = new JsonObject
        {
            ["cpu_count"] = Math.Max(1, Math.Min(Environment.ProcessorCount, (int)Math.Ceiling(limits.CpuCores))),
            ["cpu_used_pct"] = 0.0,
            ["mem_total"] = limits.MemoryBytes,
            ["mem_used"] = Math.Min(memUsed, limits.MemoryBytes),
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

    private static long Number(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : 0;
}
