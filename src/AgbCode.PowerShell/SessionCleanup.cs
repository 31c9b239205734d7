using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using AgbCode.Core.Display;
using AgbCode.Core.Errors;
using AgbCode.Engine;
using AgbCode.PowerShell.Model;
using AgbCode.PowerShell.Values;

namespace AgbCode.PowerShell;

/// <summary>
/// Removes sessions the module made for the user (Invoke-AgbCode's session per run, a New-AgbSession whose kernels
/// failed), each removal bounded by $env:AGBCODE_REMOVE_TIMEOUT_SEC; a local run's session is handed to the engine to
/// remove behind the next input (<see cref="RemoveLocal"/>). A remote one that is still there when the process
/// exits (the run was cut short by the exit, or its removal failed or was cancelled) is removed then, within the same
/// bound (on exit, SIGTERM and SIGHUP); a process killed outright (kill -9) removes nothing, and the endpoint releases
/// the session after its idle timeout.
/// </summary>
internal static class SessionCleanup
{
    public const string TimeoutSetting = "AGBCODE_REMOVE_TIMEOUT_SEC";
    public const int DefaultTimeoutSec = 15;
    public const string BackgroundFailure = SessionErrors.RemoveFailed;

    private static readonly ConcurrentDictionary<string, AgbSession> Pending = new(StringComparer.Ordinal);

    // A normal exit raises ProcessExit; pwsh ends on SIGTERM (kill, a CI runner's timeout) and SIGHUP (a closed terminal)
    // without it, so those get the same cleanup, and then their default action (the process still ends).
    private static readonly PosixSignalRegistration[] Signals;

    static SessionCleanup()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => RemovePendingAtExit();
        Signals = [.. new[] { PosixSignal.SIGTERM, PosixSignal.SIGHUP }.Select(signal => PosixSignalRegistration.Create(signal, _ => RemovePendingAtExit()))];
    }

    /// <summary>Remembers a remote session until <see cref="Remove"/> has removed it (the local engine cleans up after itself).</summary>
    public static void Track(AgbSession session)
    {
        if (session.Location != "local")
            Pending[session.Id] = session;
    }

    /// <summary>
    /// Removes the session within the bound, or sooner if <paramref name="stop"/> trips (Ctrl+C) while it waits; when
    /// the pipeline was already stopping, only the bound applies, so an interrupted run still cleans up. Returns the
    /// failure (or an invalid bound setting, the default bound having applied), or null once the session is gone.
    /// </summary>
    public static Exception? Remove(AgbSession session, CancellationToken stop)
    {
        TimeSpan bound = Bound(out AgbException? badSetting);
        bool wasStopping = stop.IsCancellationRequested;
        using var cancel = wasStopping ? new CancellationTokenSource() : CancellationTokenSource.CreateLinkedTokenSource(stop);
        cancel.CancelAfter(bound);
        try
        {
            session.Space.DeleteSessionAsync(session.Id, cancel.Token).GetAwaiter().GetResult();
            Pending.TryRemove(session.Id, out _);
            return badSetting;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return !wasStopping && stop.IsCancellationRequested ? new OperationCanceledException(stop) : TimedOut(session, bound);
        }
        catch (AgbException failure)
        {
            return failure;
        }
    }

    /// <summary>
    /// Hands a local session to the engine to remove behind the caller (waiting only while the engine's bound of pending
    /// removals is reached), and returns what went wrong in earlier background removals, if anything.
    /// </summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static Exception? RemoveLocal(LocalCodeSpace space, AgbSession session, CancellationToken stop)
    {
        try
        {
            space.DeleteSessionInBackgroundAsync(session.Id, stop.IsCancellationRequested ? CancellationToken.None : stop).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException failure)
        {
            return failure;
        }
        return space.TakeRemovalFailures() is { Count: > 0 } failures
            ? new AgbException(AgbErrorKind.Platform, BackgroundFailure, string.Join(" ", failures),
                "What is left is removed when this process exits, and an engine that starts sweeps what a crashed one left behind.")
            : null;
    }

    private static AgbException TimedOut(AgbSession session, TimeSpan bound) => new(AgbErrorKind.Platform, SessionErrors.RemoveTimeout,
        $"Session {session.Id} at {session.Location} was not removed within {bound.TotalSeconds:0} s (${{env:{TimeoutSetting}}}).",
        $"It is removed when this process exits, else the endpoint releases it after its idle timeout; or remove it with Remove-AgbSession -Id {session.Id}. " +
        $"Raise ${{env:{TimeoutSetting}}} for a slow endpoint.");

    /// <summary>The bound from the setting; an invalid setting gives the default bound and is handed back to be reported.</summary>
    public static TimeSpan Bound(out AgbException? badSetting)
    {
        badSetting = null;
        try
        {
            return TimeSpan.FromSeconds(ValueSettings.Read(TimeoutSetting, DefaultTimeoutSec, 1, 3600));
        }
        catch (AgbException refused)
        {
            badSetting = refused;
            return TimeSpan.FromSeconds(DefaultTimeoutSec);
        }
    }

    private static void RemovePendingAtExit()
    {
        if (Pending.IsEmpty)
            return;
        using var cancel = new CancellationTokenSource(Bound(out _));
        AgbSession[] pending = [.. Pending.Values];
        Task[] removals = [.. pending.Select(async s =>
        {
            await s.Space.DeleteSessionAsync(s.Id, cancel.Token).ConfigureAwait(false);
            Pending.TryRemove(s.Id, out _);
        })];
        try
        {
            Task.WaitAll(removals);
        }
        catch (AggregateException)
        {
            foreach (AgbSession left in pending.Where((_, i) => !removals[i].IsCompletedSuccessfully))
                Console.Error.WriteLine(InertText.Of($"AgbCode: session {left.Id} at {left.Location} could not be removed as the process exited; " +
                                                     "the endpoint releases it after its idle timeout."));
        }
    }
}
