using AgbCode.Core.Results;
using AgbCode.Core.Sessions;

namespace AgbCode.Engine.Tests.Support;

/// <summary>One engine and one session shared by a test class (kernels take up to a second to start).</summary>
public class SessionFixture : IAsyncLifetime
{
    public LocalCodeSpace Space { get; } = new();
    internal LocalSession Session { get; private set; } = null!;

    protected virtual SessionOptions Options => new();

    public virtual async Task InitializeAsync() => Session = (LocalSession)await Space.CreateSessionAsync(Options);

    public virtual async Task DisposeAsync()
    {
        SessionFootprint footprint = Session.Footprint;
        await Space.DisposeAsync();
        HostLeaks.AssertGone(footprint);
    }

    /// <summary>Waits until code in the session has written this file in its workspace (seen from the host), up to 30 s.</summary>
    public async Task WaitForFileAsync(string name)
    {
        string path = Path.Combine(Session.WorkspacePath, name);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(path) && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.True(File.Exists(path), $"the session never wrote {name}");
    }

    /// <summary>Runs <paramref name="use"/> in a session of its own on this engine, removed afterwards whatever happens.</summary>
    public async Task InNewSession(SessionOptions options, Func<ICodeSession, Task> use)
    {
        ICodeSession session = await Space.CreateSessionAsync(options);
        try
        {
            await use(session);
        }
        finally
        {
            await Space.DeleteSessionAsync(session.Id);
        }
    }

    public Task<EnhancedCodeExecutionResult> Run(string language, string code, double timeoutSec = 30, IRunObserver? observer = null, CancellationToken cancellationToken = default) =>
        Session.RunAsync(new RunRequest(code, language, timeoutSec), observer, cancellationToken);

    public Task<EnhancedCodeExecutionResult> Python(string code, double timeoutSec = 30, IRunObserver? observer = null, CancellationToken cancellationToken = default) =>
        Run("python", code, timeoutSec, observer, cancellationToken);
}
