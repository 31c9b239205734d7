using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>Spare sessions: made ahead, handed out once to default-limit requests, in the language used last.</summary>
public sealed class SparePoolTests : IAsyncDisposable
{
    private readonly LocalCodeSpace _space = new(spareSessions: 1);

    [Fact]
    public async Task A_new_session_comes_ready_with_the_kernel_of_the_language_used_last()
    {
        ICodeSession first = await _space.CreateSessionAsync(new SessionOptions());
        await first.RunAsync(new RunRequest("open('mine.txt', 'w').write('first')", "python"));
        await first.RunAsync(new RunRequest("1", "r"));   // the last language used: spares start R from now on
        await SpareReady();   // made with Python (learnt before R) or R; wait for one made after R
        await _space.CreateSessionAsync(new SessionOptions());
        await SpareReady();

        ICodeSession taken = await _space.CreateSessionAsync(new SessionOptions { Name = "from the pool", Labels = new Dictionary<string, string> { ["k"] = "v" } });
        EnhancedCodeExecutionResult result = await taken.RunAsync(new RunRequest("cat(file.exists('mine.txt'))", "r"));

        Assert.Equal("from the pool", taken.Name);
        Assert.Equal("v", taken.Labels["k"]);
        Assert.Equal(KernelState.Idle, Assert.Single(taken.Kernels, k => k.Language == "r").State);   // started before it was asked for
        Assert.Equal("FALSE", result.Stdout.Trim());   // a fresh workspace, never used before
        Assert.Equal(1, result.ExecutionCount);
        Assert.DoesNotContain(await _space.ListSessionsAsync(), s => _space.Spares.Any(f => f.Workspace == ((LocalSession)s).WorkspacePath));
    }

    [Fact]
    public async Task Sessions_with_their_own_limits_are_made_for_them()
    {
        await _space.CreateSessionAsync(new SessionOptions());
        await SpareReady();

        ICodeSession custom = await _space.CreateSessionAsync(new SessionOptions { Limits = SessionLimits.Default with { MemoryBytes = 512 * SessionLimits.MiB } });

        Assert.Empty(custom.Kernels);   // not a spare: nothing started yet
        Assert.Single(_space.Spares);
    }

    private async Task SpareReady()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (_space.Spares.Count == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.NotEmpty(_space.Spares);
    }

    public async ValueTask DisposeAsync()
    {
        await SpareReady();
        IReadOnlyList<SessionFootprint> spares = _space.Spares;
        await _space.DisposeAsync();
        foreach (SessionFootprint spare in spares)
            HostLeaks.AssertGone(spare);
    }
}
