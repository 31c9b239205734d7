using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using AgbCode.PowerShell.Output;

namespace AgbCode.PowerShell.Files;

/// <summary>A progress bar for a copy, updated from the pipeline thread a few times a second, at an interactive console only.</summary>
internal sealed class TransferProgress(PSCmdlet cmdlet, string activity, long totalBytes)
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(250);
    private static int _nextActivity = 1000;
    private readonly ProgressRecord _record = new(Interlocked.Increment(ref _nextActivity), activity, "Starting");
    private readonly bool _enabled = InteractiveHost.ShowsProgress(cmdlet);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _last = TimeSpan.Zero;
    private bool _shown;

    public void Report(long doneBytes)
    {
        if (!_enabled || _clock.Elapsed - _last < Every)
            return;
        _last = _clock.Elapsed;
        double mib = doneBytes / 1048576.0;
        _record.StatusDescription = totalBytes > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{mib:0.0} of {totalBytes / 1048576.0:0.0} MiB")
            : string.Create(CultureInfo.InvariantCulture, $"{mib:0.0} MiB");
        _record.PercentComplete = totalBytes > 0 ? (int)Math.Min(100, 100 * doneBytes / totalBytes) : -1;
        cmdlet.WriteProgress(_record);
        _shown = true;
    }

    public void Complete()
    {
        if (!_shown)
            return;
        _record.RecordType = ProgressRecordType.Completed;
        cmdlet.WriteProgress(_record);
    }
}
