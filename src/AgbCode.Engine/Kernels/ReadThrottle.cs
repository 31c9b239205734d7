using System.Diagnostics;

namespace AgbCode.Engine.Kernels;

/// <summary>
/// Bounds how much work one kernel can make the engine do per second, in and between runs: the reader waits before
/// parsing a message once the kernel has used its budget of messages and bytes (a second's worth may come at once).
/// While it waits the kernel's pipe fills and its writes block, so a flooding kernel slows itself, not the engine.
/// </summary>
internal sealed class ReadThrottle
{
    public const int MessagesPerSecond = 2_000;
    public const long BytesPerSecond = 64L * 1024 * 1024;
    private static readonly double Burst = 1.0;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _busyUntil;   // seconds on the clock up to which the budget is spent

    public ValueTask TakeAsync(int bytes)
    {
        double now = _clock.Elapsed.TotalSeconds;
        _busyUntil = Math.Max(_busyUntil, now) + 1.0 / MessagesPerSecond + (double)bytes / BytesPerSecond;
        double ahead = _busyUntil - now - Burst;
        return ahead > 0.001 ? new ValueTask(Task.Delay(TimeSpan.FromSeconds(ahead))) : ValueTask.CompletedTask;
    }
}
