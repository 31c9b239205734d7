using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>
/// Each abuse runs in its own session with small limits, while a neighbour session holds state: the attack is
/// contained with a clear result, the neighbour keeps its state and answers, and nothing is left behind.
/// </summary>
public class LimitsTests(SessionFixture neighbour) : IClassFixture<SessionFixture>, IAsyncLifetime
{
    private static readonly SessionLimits Small = SessionLimits.Default with
    {
        MemoryBytes = 192 * SessionLimits.MiB,
        MaxProcesses = 64,
        DiskBytes = 32 * SessionLimits.MiB,
        FileSizeBytes = 8 * SessionLimits.MiB,
        TmpBytes = 16 * SessionLimits.MiB,
        InterruptGrace = TimeSpan.FromSeconds(1),
    };

    public async Task InitializeAsync()
    {
        EnhancedCodeExecutionResult set = await neighbour.Python("neighbour_state = 'intact'");
        Assert.True(set.Success, set.ErrorMessage);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<EnhancedCodeExecutionResult> Abuse(string code, Action<EnhancedCodeExecutionResult> contained, double timeoutSec = 30)
    {
        var session = (LocalSession)await neighbour.Space.CreateSessionAsync(new SessionOptions { Limits = Small });
        SessionFootprint footprint = session.Footprint;
        EnhancedCodeExecutionResult result;
        try
        {
            Task<EnhancedCodeExecutionResult> attack = session.RunAsync(new RunRequest(code, "python", timeoutSec));
            EnhancedCodeExecutionResult meanwhile = await neighbour.Python("neighbour_state");   // during the attack
            result = await attack;
            Assert.Equal("'intact'", meanwhile.Text);
            contained(result);
        }
        finally
        {
            await neighbour.Space.DeleteSessionAsync(session.Id);
        }
        HostLeaks.AssertGone(footprint);
        Assert.Equal("'intact'", (await neighbour.Python("neighbour_state")).Text);
        return result;
    }

    [Fact]
    public Task A_memory_bomb_is_killed_at_the_memory_limit_and_reported() => Abuse("""
        blocks = []
        while True:
            blocks.append(bytearray(16 * 1024 * 1024))
        """, result =>
        {
            Assert.Equal("OutOfMemoryError", result.Error!.Name);
            Assert.Contains("192 MiB", result.Error.Value);
        });

    [Fact]
    public Task A_fork_bomb_stops_at_the_process_limit() => Abuse("""
        import os, time
        children = 0
        try:
            while True:
                if os.fork() == 0:
                    time.sleep(60)
                    os._exit(0)
                children += 1
        except OSError as e:
            print('fork failed after', children, 'children, errno', e.errno)
        """, result =>
        {
            Assert.True(result.Success, result.ErrorMessage);
            Assert.Matches(@"^fork failed after \d+ children, errno 11\n$", result.Stdout);
            int children = int.Parse(result.Stdout.Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(children, 10, 64);
        });

    [Fact]
    public Task A_giant_file_stops_at_the_file_size_limit_and_the_kernel_lives() => Abuse("""
        import os
        try:
            with open('giant.bin', 'wb') as f:
                for _ in range(20):
                    f.write(b'\0' * 1024 * 1024)
        except OSError as e:
            print('errno', e.errno)
        print(os.path.getsize('giant.bin'))
        """, result =>
        {
            Assert.True(result.Success, result.ErrorMessage);
            Assert.Equal($"errno 27\n{8 * 1024 * 1024}\n", result.Stdout);   // EFBIG at exactly 8 MiB
        });

    [Fact]
    public Task Filling_the_workspace_stops_at_its_disk_cap() => Abuse("""
        import os
        written = 0
        try:
            for i in range(1000):
                with open(f'fill-{i}.bin', 'wb') as f:
                    f.write(b'\0' * 1024 * 1024)
                written += 1
        except OSError as e:
            print('errno', e.errno, 'after', written, 'MiB')
        """, result =>
        {
            Assert.True(result.Success, result.ErrorMessage);
            Assert.Matches(@"^errno 28 after (2\d|3[0-2]) MiB\n$", result.Stdout);   // ENOSPC near 32 MiB
        });

    [Fact]
    public Task Filling_tmp_stops_at_its_size() => Abuse("""
        written = 0
        try:
            for i in range(64):
                with open(f'/tmp/fill-{i}.bin', 'wb') as f:
                    f.write(b'\0' * 1024 * 1024)
                written += 1
        except OSError as e:
            print('errno', e.errno, 'after', written, 'MiB')
        """, result => Assert.Matches(@"^errno 28 after 1[0-6] MiB\n$", result.Stdout));

    [Fact]
    public Task Cpu_is_throttled_to_the_session_quota() => Abuse("""
        import multiprocessing as mp, time
        def spin(seconds):
            end = time.monotonic() + seconds
            while time.monotonic() < end: pass
            return time.process_time()
        with mp.Pool(2) as pool:
            print(round(sum(pool.map(spin, [1.5, 1.5])), 2))
        """, result =>
        {
            Assert.True(result.Success, result.ErrorMessage);
            double cpuSeconds = double.Parse(result.Stdout, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(cpuSeconds, 0.1, 1.9);   // two spinners for 1.5 s on a 1-core quota: at most ~1.5 s of CPU
        });

    [Fact]
    public Task Sleeping_forever_ends_at_the_timeout() => Abuse("import time; time.sleep(10 ** 6)", result =>
    {
        Assert.Equal("TimeoutError", result.Error!.Name);
    }, timeoutSec: 1);
}
