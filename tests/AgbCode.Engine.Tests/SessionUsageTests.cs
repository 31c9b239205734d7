using AgbCode.Core.Errors;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>The session's usage read host-side from its cgroup: memory a kernel holds, CPU time a kernel burns.</summary>
public class SessionUsageTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private const long Held = 100 * SessionLimits.MiB;

    [Fact]
    public async Task Memory_a_kernel_holds_shows_in_the_reading_and_goes_when_freed()
    {
        await Ok("held = bytes(range(256)) * (100 * 1024 * 4)");   // 100 MiB, every page written

        SessionUsage holding = (await fixture.Session.GetUsageAsync())!;
        Assert.True(holding.MemoryBytes >= Held, $"{holding.MemoryBytes} bytes in use while a kernel holds {Held}");
        Assert.True(holding.MemoryBytes <= fixture.Session.Limits.MemoryBytes);

        await Ok("del held; import gc; gc.collect()");
        SessionUsage freed = (await fixture.Session.GetUsageAsync())!;
        Assert.True(holding.MemoryBytes - freed.MemoryBytes >= Held * 9 / 10, $"{holding.MemoryBytes} then {freed.MemoryBytes} bytes");
    }

    [Fact]
    public async Task Cpu_time_a_kernel_burns_shows_in_the_reading()
    {
        SessionUsage before = (await fixture.Session.GetUsageAsync())!;
        // The kernel measures its own CPU time, so a loaded machine makes this take longer, never pass wrongly.
        await Ok("import time\nstart = time.process_time()\nwhile time.process_time() - start < 1.0: pass");
        SessionUsage after = (await fixture.Session.GetUsageAsync())!;

        Assert.NotNull(before.CpuTime);
        Assert.True(after.CpuTime - before.CpuTime >= TimeSpan.FromSeconds(1), $"CPU time went from {before.CpuTime} to {after.CpuTime}");
        Assert.True(after.MeasuredAt > before.MeasuredAt);
    }

    [Fact]
    public async Task A_removed_session_has_no_reading()
    {
        await using var space = new LocalCodeSpace();
        ICodeSession session = await space.CreateSessionAsync(new SessionOptions());
        Assert.NotNull(await session.GetUsageAsync());
        await space.DeleteSessionAsync(session.Id);

        Assert.Equal("AgbSessionClosed", (await Assert.ThrowsAsync<AgbException>(() => session.GetUsageAsync())).ErrorId);
    }

    private async Task Ok(string code)
    {
        EnhancedCodeExecutionResult result = await fixture.Python(code, timeoutSec: 120);
        Assert.True(result.Success, result.ErrorMessage + "\n" + result.Error?.Traceback);
    }
}
