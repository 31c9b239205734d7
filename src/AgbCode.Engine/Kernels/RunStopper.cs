using AgbCode.Core.Errors;
using System.Globalization;

namespace AgbCode.Engine.Kernels;

/// <summary>
/// Waits for a run to end, and stops it when it does not in time or is cancelled: interrupt (state kept, the processes
/// it left running ended), then, after the grace period, kill (state lost). A run that says within the grace that it took
/// the interrupt gets as long as a kernel start to end: a Python kernel may have to make its shell to show the traceback,
/// which on a loaded machine can take longer than the grace.
/// </summary>
internal static class RunStopper
{
    /// <summary>Someone waits on a cancel (Ctrl+C): the interrupt gets at most this long before the kill.</summary>
    private static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(1);

    public static async Task WaitAsync(KernelGeneration kernel, RunRecorder recorder, double timeoutSec, KernelSettings settings,
        CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(timeoutSec));
        try
        {
            await recorder.Completion.WaitAsync(deadline.Token).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (recorder.IsDone) { return; }
        catch (OperationCanceledException) { }

        bool timedOut = !cancellationToken.IsCancellationRequested;
        string name = timedOut ? RunErrorNames.Timeout : RunErrorNames.Cancelled;
        string what = timedOut ? $"The run exceeded its {Seconds(timeoutSec)} timeout" : "The run was cancelled";
        string language = settings.Language;
        recorder.Stopping();
        kernel.Interrupt();
        TimeSpan grace = timedOut ? settings.Limits.InterruptGrace : Min(settings.Limits.InterruptGrace, CancelGrace);
        if (await EndsAfterInterrupt(recorder, grace, settings.StartTimeout).ConfigureAwait(false) && kernel.EndStrays() is int ended)
        {
            string strays = ended == 0 ? "" : $" The {ended} process(es) it left running were ended.";
            recorder.Fail(name, $"{what} and was interrupted; the session's {language} state was kept.{strays}", keepTraceback: true);
            return;
        }
        string late = recorder.InterruptTaken.IsCompleted
            ? $"took the interrupt but did not end within {Seconds((grace + settings.StartTimeout).TotalSeconds)}"
            : $"did not stop within {Seconds(grace.TotalSeconds)} of the interrupt";
        string message = $"{what}, {late}, and its kernel was killed: " +
                         $"the session's {language} state was lost and the next run starts a fresh kernel.";
        recorder.Fail(name, message, keepTraceback: true);
        await kernel.KillAsync(name, timedOut ? "a run timed out and did not respond to the interrupt" : "a run was cancelled and did not respond to the interrupt")
            .ConfigureAwait(false);
    }

    private static async Task<bool> EndsAfterInterrupt(RunRecorder recorder, TimeSpan grace, TimeSpan ending)
    {
        if (!await Finished(Task.WhenAny(recorder.Completion, recorder.InterruptTaken), grace).ConfigureAwait(false))
            return false;
        return recorder.IsDone || await Finished(recorder.Completion, ending).ConfigureAwait(false);
    }

    private static async Task<bool> Finished(Task task, TimeSpan within)
    {
        try
        {
            await task.WaitAsync(within).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static string Seconds(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{seconds:0.###} s");
}
