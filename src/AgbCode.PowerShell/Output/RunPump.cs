using System.Diagnostics;
using System.Management.Automation;
using AgbCode.Core.Display;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.PowerShell.Model;

namespace AgbCode.PowerShell.Output;

/// <summary>How Invoke-AgbCode writes a run: live on the host (default), nothing live (Quiet), or stdout lines as strings (Stream).</summary>
internal sealed record OutputMode(bool Quiet, bool Stream, bool PassThru);

/// <summary>
/// Runs one request on a background task and writes what it produces from the pipeline thread: live chunks, verbose
/// lifecycle, progress for long runs, then the result and, when the code failed, an error that targets the result.
/// Every text from the run reaches the host inert (<see cref="InertText"/>); the result keeps it exact.
/// </summary>
internal sealed class RunPump(PSCmdlet cmdlet, OutputMode mode, CancellationToken stop)
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ProgressAfter = TimeSpan.FromSeconds(2);
    private static int _nextActivity;
    private readonly bool _colour = HostText.ShowsColour(cmdlet);

    /// <param name="advise">What to recommend about a failed run, or null: shown with its error.</param>
    public void Run(AgbSession session, RunRequest request, string what, Func<EnhancedCodeExecutionResult, string?>? advise = null)
    {
        // Stopped by Ctrl+C, or abandoned when a command downstream needs no more (Select-Object -First throws out of
        // WriteObject): either way the code must stop in its sandbox, not run on and hold the kernel.
        using var abandoned = CancellationTokenSource.CreateLinkedTokenSource(stop);
        using var queue = new RunEventQueue(abandoned.Token);
        Task<EnhancedCodeExecutionResult> run = Task.Run(async () =>
        {
            try
            {
                return await session.Inner.RunAsync(request, queue, abandoned.Token).ConfigureAwait(false);
            }
            finally
            {
                queue.Complete();
            }
        });
        try
        {
            Drain(session, request, what, queue, run, advise);
        }
        catch (PipelineStoppedException)
        {
            abandoned.Cancel();
            run.Wait(TimeSpan.FromSeconds(5));   // the engine interrupts (or kills) the code before the pipeline unwinds
            throw;
        }
    }

    private void Drain(AgbSession session, RunRequest request, string what, RunEventQueue queue, Task<EnhancedCodeExecutionResult> run,
        Func<EnhancedCodeExecutionResult, string?>? advise)
    {
        var lines = new LineSplitter();
        var clock = Stopwatch.StartNew();
        var progress = new ProgressRecord(Interlocked.Increment(ref _nextActivity), $"Running {request.Language}", what);
        bool progressShown = false;
        foreach (RunEvent? item in queue.Drain(Tick))
        {
            if (item is { } e)
                Show(e, lines);
            if (clock.Elapsed > ProgressAfter && InteractiveHost.ShowsProgress(cmdlet))
            {
                progress.StatusDescription = $"{what}: {clock.Elapsed.TotalSeconds:0} s of {request.TimeoutSec:0} s (session {session.Id})";
                progress.PercentComplete = (int)Math.Min(99, 100 * clock.Elapsed.TotalSeconds / request.TimeoutSec);
                cmdlet.WriteProgress(progress);
                progressShown = true;
            }
        }
        if (progressShown)
        {
            progress.RecordType = ProgressRecordType.Completed;
            cmdlet.WriteProgress(progress);
        }
        if (stop.IsCancellationRequested)
            throw new PipelineStoppedException();
        if (mode.Stream && lines.Rest() is { } last)
            cmdlet.WriteObject(StreamLine(last));
        Write(run.GetAwaiter().GetResult(), advise);
    }

    private void Show(RunEvent e, LineSplitter lines)
    {
        switch (e.Kind)
        {
            case RunEventKind.Stdout when mode.Stream:
                foreach (string line in lines.Add(e.Text!))
                    cmdlet.WriteObject(StreamLine(line));
                break;
            case RunEventKind.Stdout or RunEventKind.Stderr when !mode.Quiet:
                cmdlet.WriteInformation(new HostInformationMessage { Message = InertText.Of(e.Text, _colour), NoNewLine = true },
                    ["PSHOST", e.Kind == RunEventKind.Stdout ? "Stdout" : "Stderr"]);
                break;
            case RunEventKind.Diagnostic:
                cmdlet.WriteVerbose(InertText.Of(e.Text));
                break;
        }
    }

    /// <summary>
    /// A -Stream line as PowerShell will print it if it reaches the host: a string prints as it is, never through a view,
    /// so its control characters are made visible here (tab and, where the host renders it, colour pass). The exact
    /// bytes stay in the result's Stdout (-PassThru).
    /// </summary>
    private string StreamLine(string line) => InertText.Of(line, _colour);

    private void Write(EnhancedCodeExecutionResult result, Func<EnhancedCodeExecutionResult, string?>? advise)
    {
        if (result.KernelRestarted)
            cmdlet.WriteWarning(InertText.Of($"The {result.Language} kernel of session {result.SessionId} was restarted ({result.KernelRestartReason}): " +
                                             "variables and imports from earlier runs are gone."));
        if (result.OutputTruncated)
            cmdlet.WriteWarning("The run's output, its result included, was more than the session's output cap; the rest was discarded. " +
                                "To keep more, make the session with New-AgbSession -OutputLimitMB.");
        if (!mode.Stream || mode.PassThru)
            cmdlet.WriteObject(result);
        if (!result.Success)
            cmdlet.WriteError(RunFailure.For(result, advise?.Invoke(result)));
    }
}
