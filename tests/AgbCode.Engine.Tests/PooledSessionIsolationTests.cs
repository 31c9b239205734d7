using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>
/// A session from the pool carries nothing from the user before: one user leaves files, variables, environment, a
/// running process, a /tmp file and a second kernel behind, and the next user's pooled session sees exactly what a
/// session made for them sees, under its own uid and cgroup.
/// </summary>
public sealed class PooledSessionIsolationTests
{
    private static readonly SessionOptions ForPython = new() { RunLanguage = "python" };

    // Everything a user could leave behind, as the next user's code sees it (the probe itself excluded).
    private const string Probe = """
        import os
        mine = os.getpid()
        print(sorted(k for k in globals() if not k.startswith('_')))
        print(os.environ.get('AGB_LEFT_BEHIND'), sorted(os.listdir('.')), sorted(os.listdir('/tmp')))
        print(sorted(open(f'/proc/{p}/comm').read().strip() for p in os.listdir('/proc') if p.isdigit() and int(p) != mine))
        """;

    private const string LeaveTraces = """
        import os, subprocess
        secret = 42
        os.environ['AGB_LEFT_BEHIND'] = 'first user'
        open('left.txt', 'w').write('first user')
        open('/tmp/left.txt', 'w').write('first user')
        subprocess.Popen(['sleep', '600'], start_new_session=True)
        """;

    [Fact]
    public async Task Pooled_sessions_carry_nothing_from_one_user_to_the_next()
    {
        await using var pooled = new LocalCodeSpace(new AgbCode.Engine.Pool.PoolSettings { Floor = 1, Max = 2 });
        await using var unpooled = new LocalCodeSpace();

        var first = (LocalSession)await pooled.CreateSessionAsync(ForPython);
        await Succeeds(first, LeaveTraces);
        await first.StartKernelAsync("javascript");
        string firstSees = await Succeeds(first, Probe);
        Assert.Contains("secret", firstSees);   // the probe does see what a user leaves
        Assert.Contains("left.txt", firstSees);
        Assert.Contains("sleep", firstSees);

        IReadOnlyList<SessionFootprint> spares = await SpareReady(pooled);
        SessionFootprint firstFootprint = first.Footprint;
        Assert.True(await pooled.DeleteSessionInBackgroundAsync(first.Id));   // as Invoke-AgbCode removes its session

        var next = (LocalSession)await pooled.CreateSessionAsync(ForPython);
        var made = (LocalSession)await unpooled.CreateSessionAsync(ForPython);

        Assert.Contains(spares, s => s.Workspace == next.WorkspacePath);   // it did come from the pool
        Assert.Equal(await Succeeds(made, Probe), await Succeeds(next, Probe));
        Assert.Equal(["python:Idle"], next.Kernels.Select(k => $"{k.Language}:{k.State}"));   // not the first user's JavaScript
        Assert.NotEqual(firstFootprint.Uid, next.Uid);
        Assert.Empty(firstFootprint.Cgroups.Intersect(next.Footprint.Cgroups));
        Assert.NotEqual(firstFootprint.Workspace, next.WorkspacePath);
        HostLeaks.AssertGone(firstFootprint);   // the first user's sleep went with their session
    }

    private static async Task<string> Succeeds(LocalSession session, string code)
    {
        EnhancedCodeExecutionResult result = await session.RunAsync(new RunRequest(code, "python"));
        Assert.True(result.Success, result.ErrorMessage);
        return result.Stdout;
    }

    private static async Task<IReadOnlyList<SessionFootprint>> SpareReady(LocalCodeSpace space)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);   // only a guard against a hang: the property is the spare itself
        while (space.Spares.Count == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.NotEmpty(space.Spares);
        return space.Spares;
    }
}
