using System.Management.Automation;
using AgbCode.Core.Display;
using AgbCode.Core.Errors;
using AgbCode.Core.Sessions;
using AgbCode.PowerShell.Model;

namespace AgbCode.PowerShell.Cmdlets;

/// <summary>What every AgbCode cmdlet shares: a cancellation that Ctrl+C (StopProcessing) trips, and the error model.</summary>
public abstract class AgbCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Cancelled when the pipeline stops (Ctrl+C, Select-Object -First, PowerShell.Stop()).</summary>
    protected CancellationToken StopToken => _stopping.Token;

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>Blocks the pipeline thread on a task, giving up (not hanging) when the pipeline stops.</summary>
    protected internal T Await<T>(Task<T> task)
    {
        try
        {
            return task.WaitAsync(StopToken).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    protected internal void Await(Task task) => Await(task.ContinueWith(t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default));

    // Verbose, warning and debug text can quote what an endpoint or a sandbox sent (a session id, a name): shown inert.
    protected new void WriteVerbose(string text) => base.WriteVerbose(InertText.Of(text));
    protected new void WriteWarning(string text) => base.WriteWarning(InertText.Of(text));
    protected new void WriteDebug(string text) => base.WriteDebug(InertText.Of(text));

    /// <summary>Creates a session, telling Verbose where and with which isolation.</summary>
    internal AgbSession NewSession(ICodeSpace space, SessionOptions options)
    {
        ICodeSession session = Await(space.CreateSessionAsync(options, StopToken));
        string kernels = session.Kernels.Count == 0 ? "" : $"; kernels running: {string.Join(", ", session.Kernels.Select(k => k.Language))}";
        WriteVerbose($"Created session {session.Id} ({space.Location}); isolation: {session.Isolation}{kernels}.");
        return new AgbSession(session, space);
    }

    /// <summary>
    /// The sessions a -Session argument stands for (<see cref="Sessions.Resolve"/>). One it names that does not exist is
    /// written as a non-terminating AgbSessionNotFound (ObjectNotFound, the id or name as target), and nothing is returned.
    /// </summary>
    internal IReadOnlyList<AgbSession> Resolve(AgbSession given, bool several = false)
    {
        try
        {
            return Sessions.Resolve(given, several, StopToken);
        }
        catch (AgbException failure)
        {
            WriteError(ToErrorRecord(failure, given.Reference));
            return [];
        }
    }

    /// <summary>
    /// A local file or folder a copy from a session made, as Get-Item gives it (a FileInfo or DirectoryInfo with PSPath, so
    /// it pipes into Get-Content), shown by <see cref="LocalItemView"/>: its name is the session's.
    /// </summary>
    internal PSObject LocalItem(string path) => LocalItemView.Mark(SessionState.InvokeProvider.Item.Get([path], force: true, literalPath: true)[0]);

    /// <summary>
    /// An error record for an <see cref="AgbException"/>: its id, a category from its kind, its fix. What it shows is inert:
    /// a message can quote what a sandbox or a remote endpoint sent.
    /// </summary>
    internal static ErrorRecord ToErrorRecord(AgbException failure, object? target)
    {
        ErrorCategory category = failure.Kind switch
        {
            AgbErrorKind.BadInput => ErrorCategory.InvalidArgument,
            AgbErrorKind.NotFound => ErrorCategory.ObjectNotFound,
            AgbErrorKind.InvalidState => ErrorCategory.InvalidOperation,
            AgbErrorKind.Authentication => ErrorCategory.AuthenticationError,
            _ => ErrorCategory.ResourceUnavailable,
        };
        var record = new ErrorRecord(failure, failure.ErrorId, category, target);
        record.ErrorDetails = new ErrorDetails(InertText.Of(failure.Message)) { RecommendedAction = failure.Fix is null ? null : InertText.Of(failure.Fix) };
        return record;
    }

    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
