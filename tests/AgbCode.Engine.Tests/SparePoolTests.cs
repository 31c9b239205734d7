using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>
/// Spare sessions: made ahead, handed out once to default-limit requests for the language they hold, and then
/// indistinguishable from a session made for the request.
/// </summary>
public sealed class SparePoolTests : IAsyncDisposable
{
    private static readonly SessionOptions ForPython = new() { StartLanguages = ["python"] };
    private readonly LocalCodeSpace _space = new(spareSessions: 1);
    private readonly LocalCodeSpace _unpooled = new();

    [Fact]
    public async Task A_pooled_session_is_indistinguishable_from_a_new_one()
    {
        await _space.CreateSessionAsync(ForPython);   // teaches the pool Python
        IReadOnlyList<SessionFootprint> spares = await SpareReady();

        var pooled = (LocalSession)await _space.CreateSessionAsync(ForPython with { Name = "from the pool", Labels = new Dictionary<string, string> { ["k"] = "v" } });
        var made = (LocalSession)await _unpooled.CreateSessionAsync(ForPython with { Name = "made for it", Labels = new Dictionary<string, string> { ["k"] = "v" } });

        Assert.Contains(spares, s => s.Workspace == pooled.WorkspacePath);   // it did come from the pool
        Assert.Equal(("from the pool", "v"), (pooled.Name, pooled.Labels["k"]));
        Assert.Equal(Describe(made.Kernels), Describe(pooled.Kernels));   // python, idle: nothing else
        Assert.Equal(made.Limits, pooled.Limits);
        Assert.Equal(made.Isolation.Mode, pooled.Isolation.Mode);
        Assert.Equal(CgroupLimits(made.Footprint), CgroupLimits(pooled.Footprint));
        Assert.Contains(CgroupProcesses(made.Footprint).Values, count => count > 0);
        Assert.Equal(CgroupProcesses(made.Footprint), CgroupProcesses(pooled.Footprint));   // only the kernel asked for runs

        // The session's own uid, which no other session or spare has.
        Assert.NotNull(pooled.Uid);
        Assert.DoesNotContain(pooled.Uid, (await _space.ListSessionsAsync()).Cast<LocalSession>().Where(s => s != pooled).Select(s => s.Uid)
            .Concat(_space.Spares.Select(s => s.Uid)).Concat([made.Uid]));

        // What code sees: a fresh kernel (no variables, first execution), an empty workspace volume of the default size,
        // the same /tmp and the same identity.
        const string Probe = "import os\nst = os.statvfs('.')\n" +
                             "print(sorted(k for k in globals() if not k.startswith('_')), os.getuid(), os.getgid(), sorted(os.listdir('.')), " +
                             "sorted(os.listdir('/tmp')), st.f_blocks * st.f_frsize, st.f_files, open('/proc/self/status').read().split('CapEff:')[1].split()[0])";
        EnhancedCodeExecutionResult fresh = await made.RunAsync(new RunRequest(Probe, "python"));
        EnhancedCodeExecutionResult fromPool = await pooled.RunAsync(new RunRequest(Probe, "python"));
        Assert.True(fresh.Success, fresh.ErrorMessage);
        Assert.Equal(fresh.Stdout, fromPool.Stdout);
        Assert.Equal((1, 1), (fresh.ExecutionCount, fromPool.ExecutionCount));
    }

    [Fact]
    public async Task A_session_for_python_after_an_R_request_holds_only_python()
    {
        await _space.CreateSessionAsync(new SessionOptions { RunLanguage = "r" });   // Invoke-AgbCode -Language r: spares hold R now
        IReadOnlyList<SessionFootprint> rSpares = await SpareReady();

        var python = (LocalSession)await _space.CreateSessionAsync(ForPython);

        Assert.Equal(["python:Idle"], Describe(python.Kernels));
        Assert.DoesNotContain(rSpares, s => s.Workspace == python.WorkspacePath);   // the R spare was not handed out
        Assert.Equal("python", _space.SpareLanguage);   // and is replaced by one for the language asked for last
    }

    [Fact]
    public async Task A_session_asked_for_without_a_language_holds_no_kernel()
    {
        await _space.CreateSessionAsync(new SessionOptions());
        IReadOnlyList<SessionFootprint> spares = await SpareReady();

        var plain = (LocalSession)await _space.CreateSessionAsync(new SessionOptions());

        Assert.Contains(spares, s => s.Workspace == plain.WorkspacePath);   // a spare made with no kernel serves it
        Assert.Empty(plain.Kernels);
        Assert.All(CgroupProcesses(plain.Footprint).Values, count => Assert.Equal(0, count));
    }

    [Fact]
    public async Task A_spare_without_a_kernel_serves_a_request_for_a_language()
    {
        await _space.CreateSessionAsync(new SessionOptions());
        IReadOnlyList<SessionFootprint> spares = await SpareReady();

        var java = (LocalSession)await _space.CreateSessionAsync(new SessionOptions { StartLanguages = ["java"] });

        Assert.Contains(spares, s => s.Workspace == java.WorkspacePath);
        Assert.Equal(["java:Idle"], Describe(java.Kernels));
    }

    [Fact]
    public async Task Sessions_with_their_own_limits_are_made_for_them()
    {
        await _space.CreateSessionAsync(ForPython);
        await SpareReady();

        ICodeSession custom = await _space.CreateSessionAsync(new SessionOptions { Limits = SessionLimits.Default with { MemoryBytes = 512 * SessionLimits.MiB } });

        Assert.Empty(custom.Kernels);   // not a spare: nothing started
        Assert.Single(_space.Spares);
    }

    private static string[] Describe(IReadOnlyList<KernelInfo> kernels) => [.. kernels.Select(k => $"{k.Language}:{k.State}")];

    // The limit files of each of the session's cgroup folders (v1 or v2), by controller and name.
    private static SortedDictionary<string, string> CgroupLimits(SessionFootprint footprint)
    {
        string[] limits = ["memory.max", "memory.swap.max", "memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "pids.max", "cpu.max", "cpu.cfs_quota_us", "cpu.cfs_period_us"];
        var found = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string folder in footprint.Cgroups)
            foreach (string name in limits.Where(n => File.Exists(Path.Combine(folder, n))))
                found[$"{Controller(folder)}/{name}"] = File.ReadAllText(Path.Combine(folder, name)).Trim();
        Assert.NotEmpty(found);
        return found;
    }

    // How many processes each of the session's cgroup folders holds, counting its sub-groups (one per kernel).
    private static SortedDictionary<string, int> CgroupProcesses(SessionFootprint footprint)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (string folder in footprint.Cgroups)
            counts[Controller(folder)] = Directory.EnumerateFiles(folder, "cgroup.procs", SearchOption.AllDirectories)
                .Sum(file => File.ReadAllLines(file).Count(line => line.Length > 0));
        return counts;
    }

    private static string Controller(string folder) => Path.GetRelativePath("/sys/fs/cgroup", folder).Split('/')[0];

    // Waits for the pool's next spare (the engine makes it in the background), then returns the spares ready.
    private async Task<IReadOnlyList<SessionFootprint>> SpareReady()
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);   // only a guard against a hang: the property is the spare itself
        while (_space.Spares.Count == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.NotEmpty(_space.Spares);
        return _space.Spares;
    }

    public async ValueTask DisposeAsync()
    {
        await _unpooled.DisposeAsync();
        IReadOnlyList<SessionFootprint> spares = _space.Spares;
        await _space.DisposeAsync();
        foreach (SessionFootprint spare in spares)
            HostLeaks.AssertGone(spare);
    }
}
