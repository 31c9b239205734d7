using System.Management.Automation;
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
    protected T Await<T>(Task<T> task)
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

    protected void Await(Task task) => Await(task.ContinueWith(t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default));

    /// <summary>Creates a session, telling Verbose where and with which isolation.</summary>
    internal AgbSession NewSession(ICodeSpace space, SessionOptions options)
    {
        ICodeSession session = Await(space.CreateSessionAsync(options, StopToken));
        WriteVerbose($"Created session {session.Id} ({space.Location}); isolation: {session.Isolation}.");
        return new AgbSession(session, space);
    }

    /// <summary>An error record for an <see cref="AgbException"/>: its id, a category from its kind, its fix.</summary>
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
        if (failure.Fix is not null)
            record.ErrorDetails = new ErrorDetails(failure.Message) { RecommendedAction = failure.Fix };
        return record;
    }

    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
