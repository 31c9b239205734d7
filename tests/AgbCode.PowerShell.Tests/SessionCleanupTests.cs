using AgbCode.Core.Errors;
using AgbCode.Core.Files;
using AgbCode.Core.Images;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.PowerShell.Model;

namespace AgbCode.PowerShell.Tests;

/// <summary>
/// The removal of a run's own session is bounded and cancellable, and still happens after Ctrl+C. The endpoint here
/// is a stand-in whose delete never finishes unless told to (an AGB endpoint that keeps a released session in
/// DELETING): the real server releases at once, so it cannot show a delete that hangs.
/// </summary>
[Collection(ProcessWideSessions.Name)]
public sealed class SessionCleanupTests
{
    private sealed class StuckEndpoint : ICodeSpace, ICodeSession
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Finish { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Deletes;

        public AgbCode.Core.Contexts.IContextStore Contexts => throw new NotSupportedException("Contexts are not built into this backend yet.");

        public async Task<bool> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Deletes);
            Started.TrySetResult();
            await Finish.Task.WaitAsync(cancellationToken);
            return true;
        }

        public string Location => "http://endpoint.invalid";
        public string Id => "session-stuck";
        public string? Name => null;
        public string Image => "";
        public IReadOnlyDictionary<string, string> Labels { get; } = new Dictionary<string, string>();
        public DateTimeOffset CreatedAt { get; } = DateTimeOffset.Now;
        public SessionLimits Limits => SessionLimits.Default;
        public IsolationReport Isolation => new(IsolationMode.Sandbox, []);
        public bool IsClosed => false;
        public IReadOnlyList<KernelInfo> Kernels => [];
        public TimeSpan? IdleTimeout => null;
        public IWorkspaceFiles Files => throw new NotSupportedException();
        public Task<EnhancedCodeExecutionResult> RunAsync(RunRequest request, IRunObserver? observer = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task KeepAliveAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task StartKernelAsync(string language, IRunObserver? observer = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<ICodeSession> CreateSessionAsync(SessionOptions options, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<ICodeSession?> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<ICodeSession>> ListSessionsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<LanguageSupport>> GetLanguagesAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<string>> ListImagesAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<ImagePackage>> GetImagePackagesAsync(string image, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }

    private static AgbSession SessionOn(StuckEndpoint endpoint) => new(endpoint, endpoint);

    [Fact]
    public void A_removal_that_does_not_finish_gives_up_at_the_bound_and_names_the_setting()
    {
        var endpoint = new StuckEndpoint();
        Environment.SetEnvironmentVariable(SessionCleanup.TimeoutSetting, "1");
        try
        {
            var failure = Assert.IsType<AgbException>(SessionCleanup.Remove(SessionOn(endpoint), CancellationToken.None));
            Assert.Equal("AgbRemoveTimeout", failure.ErrorId);
            Assert.Contains("within 1 s", failure.Message);
            Assert.Contains(SessionCleanup.TimeoutSetting, failure.Fix);
        }
        finally
        {
            Environment.SetEnvironmentVariable(SessionCleanup.TimeoutSetting, null);
        }
    }

    [Fact]
    public async Task Ctrl_C_while_the_removal_waits_stops_it()
    {
        var endpoint = new StuckEndpoint();
        using var stop = new CancellationTokenSource();
        Task<Exception?> removal = Task.Run(() => SessionCleanup.Remove(SessionOn(endpoint), stop.Token));
        await endpoint.Started.Task;   // the delete is under way
        stop.Cancel();
        Assert.IsType<OperationCanceledException>(await removal);
    }

    [Fact]
    public async Task A_run_stopped_by_Ctrl_C_still_removes_its_session()
    {
        var endpoint = new StuckEndpoint();
        using var stop = new CancellationTokenSource();
        stop.Cancel();   // the pipeline is already stopping when the run's finally removes the session
        Task<Exception?> removal = Task.Run(() => SessionCleanup.Remove(SessionOn(endpoint), stop.Token));
        await endpoint.Started.Task;
        endpoint.Finish.SetResult();
        Assert.Null(await removal);
        Assert.Equal(1, endpoint.Deletes);
    }

    [Fact]
    public async Task A_bad_bound_setting_is_reported_naming_it_and_the_session_is_removed_within_the_default_bound()
    {
        var endpoint = new StuckEndpoint();
        Environment.SetEnvironmentVariable(SessionCleanup.TimeoutSetting, "0");
        try
        {
            Task<Exception?> removal = Task.Run(() => SessionCleanup.Remove(SessionOn(endpoint), CancellationToken.None));
            await endpoint.Started.Task;
            endpoint.Finish.SetResult();
            var reported = Assert.IsType<AgbException>(await removal);
            Assert.Equal("AgbInvalidSetting", reported.ErrorId);
            Assert.Contains(SessionCleanup.TimeoutSetting, reported.Message);
            Assert.Equal(1, endpoint.Deletes);
        }
        finally
        {
            Environment.SetEnvironmentVariable(SessionCleanup.TimeoutSetting, null);
        }
    }
}
