namespace AgbCode.Engine.Tests;

/// <summary>The engine's background failures reach its log, and a log that fails never fails the engine.</summary>
public sealed class EngineLogTests
{
    [Fact]
    public async Task A_failed_background_task_is_reported_with_what_it_was_doing()
    {
        var reported = new TaskCompletionSource<(string What, Exception Error)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new EngineLog((what, error) => reported.TrySetResult((what, error)));

        log.Observe(Task.Run(() => throw new IOException("umount failed")), "removing idle session s1");

        var (what, error) = await reported.Task;
        Assert.Equal("removing idle session s1", what);
        Assert.Equal("umount failed", Assert.IsType<IOException>(error).Message);
    }

    [Fact]
    public void A_sink_that_throws_is_ignored()
    {
        var log = new EngineLog((_, _) => throw new InvalidOperationException("the log is broken"));

        log.Failed("making a spare session", new IOException("no room"));   // returns: reporting never fails the engine
    }

    [Fact]
    public void Without_a_sink_failures_are_dropped_quietly() => EngineLog.None.Failed("anything", new IOException("ignored"));
}
