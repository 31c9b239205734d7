namespace AgbCode.Engine;

/// <summary>
/// Where the engine reports failures no caller sees: a spare session that could not be made, a removal that ran in the
/// background. The host gives it a sink (the server passes its logger); without one they are dropped, but every
/// background task is still observed, so none ends as an unobserved exception.
/// </summary>
public sealed class EngineLog(Action<string, Exception>? failed = null)
{
    public static EngineLog None { get; } = new();

    /// <summary>Reports that <paramref name="what"/> failed; a sink that throws is ignored (reporting must not fail the engine).</summary>
    public void Failed(string what, Exception error)
    {
        try
        {
            failed?.Invoke(what, error);
        }
        catch (Exception)
        {
        }
    }

    /// <summary>Runs <paramref name="task"/> in the background and reports its failure as <paramref name="what"/>.</summary>
    public void Observe(Task task, string what) =>
        task.ContinueWith(t => Failed(what, t.Exception!.GetBaseException()), CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
