using AgbCode.Core.Errors;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Sandbox;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>Creating, finding, listing and removing sessions, and what removal leaves behind (nothing).</summary>
public sealed class LifecycleTests : IAsyncDisposable
{
    private readonly LocalCodeSpace _space = new();

    [Fact]
    public async Task Sessions_are_created_found_listed_and_removed_without_a_trace()
    {
        var session = (LocalSession)await _space.CreateSessionAsync(new SessionOptions
        {
            Name = "lifecycle",
            Labels = new Dictionary<string, string> { ["team"] = "qa" },
            StartLanguages = ["py"],
        });
        SessionFootprint footprint = session.Footprint;

        Assert.StartsWith("session-", session.Id);
        Assert.Equal("lifecycle", session.Name);
        Assert.Equal("qa", session.Labels["team"]);
        Assert.Equal(SessionOptions.DefaultImage, session.Image);
        Assert.Equal(KernelState.Idle, Assert.Single(session.Kernels).State);   // started at creation
        Assert.Same(session, await _space.GetSessionAsync(session.Id));
        Assert.Contains(session, await _space.ListSessionsAsync());
        Assert.NotEmpty(HostLeaks.ProcessesOf(footprint.Uid!.Value));   // the kernel runs as the session uid

        Assert.True(await _space.DeleteSessionAsync(session.Id));
        HostLeaks.AssertGone(footprint);
        Assert.Null(await _space.GetSessionAsync(session.Id));
        Assert.False(await _space.DeleteSessionAsync(session.Id));
        Assert.True(session.IsClosed);
        var closed = await Assert.ThrowsAsync<AgbException>(() => session.RunAsync(new RunRequest("1", "python")));
        Assert.Equal("AgbSessionClosed", closed.ErrorId);
    }

    [Fact]
    public async Task Two_sessions_have_their_own_uid_and_workspace_and_cannot_see_each_other()
    {
        var first = (LocalSession)await _space.CreateSessionAsync(new SessionOptions());
        var second = (LocalSession)await _space.CreateSessionAsync(new SessionOptions());
        await first.RunAsync(new RunRequest("open('mine.txt', 'w').write('first only')", "python"));

        EnhancedCodeExecutionResult probe = await second.RunAsync(new RunRequest($"""
            import os
            print(os.listdir('.'), os.path.exists({System.Text.Json.JsonSerializer.Serialize(first.WorkspacePath)}))
            """, "python"));

        Assert.NotEqual(first.Uid, second.Uid);
        Assert.NotEqual(first.WorkspacePath, second.WorkspacePath);
        Assert.Equal("[] False\n", probe.Stdout);
    }

    [Fact]
    public async Task Removing_a_session_ends_its_run_in_progress()
    {
        var session = (LocalSession)await _space.CreateSessionAsync(new SessionOptions());
        SessionFootprint footprint = session.Footprint;
        var log = new EventLog();
        Task<EnhancedCodeExecutionResult> run = session.RunAsync(new RunRequest("print('busy', flush=True)\nimport time\ntime.sleep(120)", "python"), log);
        await log.WaitForAsync("stdout");

        await _space.DeleteSessionAsync(session.Id);
        EnhancedCodeExecutionResult result = await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("SessionClosedError", result.Error!.Name);
        Assert.Equal("busy\n", result.Stdout);
        HostLeaks.AssertGone(footprint);
    }

    [Fact]
    public async Task A_session_with_an_idle_timeout_is_released_after_that_long_without_a_request()
    {
        var idle = (LocalSession)await _space.CreateSessionAsync(new SessionOptions { IdleTimeout = TimeSpan.FromSeconds(3) });
        SessionFootprint footprint = idle.Footprint;
        await idle.RunAsync(new RunRequest("1", "python"));   // a kernel start: seconds on a loaded machine
        var kept = (LocalSession)await _space.CreateSessionAsync(new SessionOptions { IdleTimeout = TimeSpan.FromSeconds(3) });
        // Until the idle session is released (the event, however long a loaded machine takes), the other is kept alive
        // at 30 times the rate its timeout needs.
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (await _space.GetSessionAsync(idle.Id) is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the idle session was never released");
            await kept.KeepAliveAsync();
            await Task.Delay(100);
        }

        Assert.Same(kept, await _space.GetSessionAsync(kept.Id));   // kept alive by KeepAliveAsync
        HostLeaks.AssertGone(footprint);   // blocks while it polls: after the check above, which needs the keep-alives
    }

    [Fact]
    public async Task An_unknown_image_is_refused_with_the_known_ones()
    {
        var failure = await Assert.ThrowsAsync<AgbException>(() => _space.CreateSessionAsync(new SessionOptions { Image = "agb-browser-use-1" }));
        Assert.Equal("AgbUnknownImage", failure.ErrorId);
        Assert.Contains("agb-code-space-1", failure.Message);
    }

    [Fact]
    public async Task Isolation_none_runs_unsandboxed_only_when_asked_and_says_so()
    {
        var session = (LocalSession)await _space.CreateSessionAsync(new SessionOptions { Isolation = IsolationMode.None });
        EnhancedCodeExecutionResult result = await session.RunAsync(new RunRequest("import os; os.getuid()", "python"));

        Assert.Equal(IsolationMode.None, session.Isolation.Mode);
        Assert.False(session.Isolation.IsFull);
        Assert.Equal(Native.Libc.geteuid().ToString(System.Globalization.CultureInfo.InvariantCulture), result.Text);
    }

    [Fact]
    public void Deleting_a_workspace_folder_never_follows_a_link_inside_it()
    {
        string root = Directory.CreateTempSubdirectory("agbcode-links-").FullName;
        string outside = Directory.CreateTempSubdirectory("agbcode-target-").FullName;
        File.WriteAllText(Path.Combine(outside, "precious.txt"), "keep me");
        string workspace = Path.Combine(root, "ws");
        Directory.CreateDirectory(Path.Combine(workspace, "sub"));
        File.CreateSymbolicLink(Path.Combine(workspace, "link-to-dir"), outside);
        File.CreateSymbolicLink(Path.Combine(workspace, "sub", "link-to-file"), Path.Combine(outside, "precious.txt"));

        Workspace.DeleteTree(new DirectoryInfo(workspace));

        Assert.False(Directory.Exists(workspace));
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(outside, "precious.txt")));
        Directory.Delete(root, true);
        Directory.Delete(outside, true);
    }

    public async ValueTask DisposeAsync() => await _space.DisposeAsync();
}
