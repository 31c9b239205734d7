using System.Text.Json;
using AgbCode.Core.Errors;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Kernels;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>
/// The run controller against fake drivers over pipe pairs: starts, restarts, the timeout → interrupt → grace → kill
/// policy, late output and closing. Every step is caused by an event (a request, an interrupt, a kill), never by a
/// wall-clock margin; short timeouts only decide when the engine acts, not whether a test passes.
/// </summary>
public sealed class RunControllerTests
{
    /// <summary>A bound on waits that would hang forever if the controller were broken; far above any honest wait.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(1);

    private static string Id(JsonElement request) => request.GetProperty("id").GetString()!;

    /// <summary>Ready; the first request hangs until interrupted (then ends as the runtime's interrupt would, and prints
    /// "late" after its done); later requests are echoed.</summary>
    private static async Task InterruptibleThenEcho(FakeDriver driver)
    {
        await driver.ReadyAsync();
        JsonElement first = (await driver.NextRequestAsync())!.Value;
        await driver.PrintAsync(Id(first), "working\n");
        await driver.WaitForInterruptAsync();
        await driver.ErrorAsync(Id(first), "KeyboardInterrupt");
        await driver.DoneAsync(Id(first), "error");
        await driver.PrintAsync(null, "late\n");
        await driver.EchoRequestsAsync();
    }

    /// <summary>The first kernel is ready, then its first request hangs and the interrupt is ignored; later ones echo.</summary>
    private static Func<FakeDriver, Task> IgnoresTheInterrupt() => FakeDriver.FirstThenEcho(async driver =>
    {
        await driver.ReadyAsync();
        await driver.NextRequestAsync();
        await driver.WaitForInterruptAsync();
    });

    /// <summary>The next run starts a second kernel and is told the first was killed because a run timed out.</summary>
    private static async Task NextRunGetsAFreshKernel(FakeKernel kernel)
    {
        var fresh = await kernel.RunAsync("fresh\n");
        Assert.True(fresh.Success);
        Assert.True(fresh.KernelRestarted);
        Assert.Equal("a run timed out and did not respond to the interrupt", fresh.KernelRestartReason);
        Assert.Equal(2, kernel.Started.Count);
    }

    [Fact]
    public async Task A_kernel_starts_on_first_use_and_serves_every_run_after()
    {
        await using var kernel = new FakeKernel(FakeDriver.Echo);
        Assert.Equal(KernelState.Dead, kernel.Controller.State);
        var first = await kernel.RunAsync("one\n");
        var second = await kernel.RunAsync("two\n");
        Assert.True(first.Success);
        Assert.Equal(["two\n"], second.Logs.Stdout);
        Assert.Equal(2, second.ExecutionCount);
        Assert.False(second.KernelRestarted);
        Assert.Single(kernel.Started);
        Assert.Equal(KernelState.Idle, kernel.Controller.State);
        Assert.Equal("Fake 1.0", kernel.Controller.Runtime);
    }

    [Fact]
    public async Task A_timed_out_run_that_answers_the_interrupt_keeps_the_kernel_and_its_late_output_goes_to_the_next_run()
    {
        await using var kernel = new FakeKernel(InterruptibleThenEcho);
        var timedOut = await kernel.RunAsync("hang", timeoutSec: 0.01);
        var next = await kernel.RunAsync("next\n");

        Assert.False(timedOut.Success);
        Assert.Equal("TimeoutError", timedOut.Error!.Name);
        Assert.Contains("was interrupted; the session's fake state was kept", timedOut.Error.Value);
        Assert.Equal(["working\n"], timedOut.Logs.Stdout);
        Assert.Equal(1, kernel.Driver(0).Interrupts);
        Assert.True(next.Success);
        Assert.Equal("late\nnext\n", string.Concat(next.Logs.Stdout));
        Assert.False(next.KernelRestarted);
        Assert.Single(kernel.Started);
    }

    [Fact]
    public async Task A_cancelled_run_is_interrupted_and_the_kernel_keeps_its_state()
    {
        await using var kernel = new FakeKernel(InterruptibleThenEcho);
        var events = new EventLog();
        using var cancel = new CancellationTokenSource();
        var running = kernel.RunAsync("hang", events, cancellationToken: cancel.Token);
        await events.WaitForAsync("stdout");   // the run is in the driver
        cancel.Cancel();
        var cancelled = await running;

        Assert.Equal("CancelledError", cancelled.Error!.Name);
        Assert.Contains("The run was cancelled and was interrupted", cancelled.Error.Value);
        Assert.False(kernel.Driver(0).Killed.IsCompleted);
        Assert.True((await kernel.RunAsync("again\n")).Success);
        Assert.Single(kernel.Started);
    }

    [Fact]
    public async Task A_run_that_ignores_the_interrupt_is_killed_after_the_grace_and_the_next_run_restarts_the_kernel()
    {
        await using var kernel = new FakeKernel(IgnoresTheInterrupt(), interruptGrace: TimeSpan.Zero);

        var killed = await kernel.RunAsync("hang", timeoutSec: 0.01);
        Assert.Equal("TimeoutError", killed.Error!.Name);
        Assert.Contains("did not stop within 0 s of the interrupt, and its kernel was killed", killed.Error.Value);
        Assert.True(kernel.Driver(0).Killed.IsCompleted);
        Assert.True(kernel.Driver(0).Disposed);
        Assert.Equal(KernelState.Dead, kernel.Controller.State);

        await NextRunGetsAFreshKernel(kernel);
    }

    [Fact]
    public async Task A_kernel_that_outlives_its_kill_holds_off_a_fresh_one_until_it_is_gone()
    {
        await using var kernel = new FakeKernel(IgnoresTheInterrupt(), interruptGrace: TimeSpan.Zero, killWait: TimeSpan.FromMilliseconds(100), firstOutlivesKill: true);

        var killed = await kernel.RunAsync("hang", timeoutSec: 0.01);
        Assert.Contains("its kernel was killed", killed.Error!.Value);
        Assert.True(kernel.Driver(0).Killed.IsCompleted);

        var refused = await kernel.RunAsync("next\n");
        Assert.Equal("KernelDiedError", refused.Error!.Name);
        Assert.StartsWith("The fake kernel was killed (a run timed out and did not respond to the interrupt) and is not gone after 0.1 s: " +
                          "a process of it is stuck in the Linux kernel", refused.Error.Value);
        Assert.EndsWith("Nothing ran: no fresh kernel starts beside it. Run again once it is gone, or remove the session.", refused.Error.Value);
        Assert.Single(kernel.Started);
        await Assert.ThrowsAsync<AgbException>(() => kernel.Controller.EnsureStartedAsync(null, CancellationToken.None));
        Assert.Single(kernel.Started);

        kernel.Driver(0).Exit(128 + 9);   // it wakes, and SIGKILL ends it
        await kernel.Driver(0).Gone.WaitAsync(HangGuard);
        await NextRunGetsAFreshKernel(kernel);
    }

    [Fact]
    public async Task A_session_whose_kernel_outlives_its_kill_is_not_removed_and_says_why()
    {
        var kernel = new FakeKernel(FakeDriver.Echo, killWait: TimeSpan.FromMilliseconds(100), firstOutlivesKill: true);
        Assert.True((await kernel.RunAsync("one\n")).Success);

        var refusal = await Assert.ThrowsAsync<AgbException>(() => kernel.DisposeAsync().AsTask());
        Assert.Equal("AgbRemoveFailed", refusal.ErrorId);
        Assert.Contains("is not gone after 0.1 s", refusal.Message);
        Assert.Contains("stays held", refusal.Message);
        Assert.Contains("wchan", refusal.Fix);
        kernel.Driver(0).Exit(128 + 9);
    }

    [Fact]
    public async Task Strays_that_keep_coming_back_get_the_kernel_killed()
    {
        await using var kernel = new FakeKernel(InterruptibleThenEcho, strays: null);
        var result = await kernel.RunAsync("hang", timeoutSec: 0.01);
        Assert.Contains("its kernel was killed", result.Error!.Value);
        Assert.True(kernel.Driver(0).Killed.IsCompleted);
    }

    [Fact]
    public async Task A_kernel_that_dies_fails_its_run_and_the_next_run_starts_a_fresh_one_and_is_told_why()
    {
        await using var kernel = new FakeKernel(FakeDriver.FirstThenEcho(async driver =>
        {
            await driver.ReadyAsync();
            JsonElement request = (await driver.NextRequestAsync())!.Value;
            await driver.PrintAsync(Id(request), "about to crash\n");
            driver.Exit(3, "segfault in the runtime");
        }));

        var died = await kernel.RunAsync("crash");
        Assert.Equal("KernelDiedError", died.Error!.Name);
        Assert.Contains("it exited unexpectedly (exit code 3): segfault in the runtime", died.Error.Value);
        Assert.Equal(["about to crash\n"], died.Logs.Stdout);
        Assert.Equal(KernelState.Dead, kernel.Controller.State);

        var fresh = await kernel.RunAsync("fresh\n");
        Assert.True(fresh.Success);
        Assert.True(fresh.KernelRestarted);
        Assert.Contains("exit code 3", fresh.KernelRestartReason);
    }

    [Fact]
    public async Task A_protocol_violation_kills_the_kernel_and_the_next_run_is_told()
    {
        await using var kernel = new FakeKernel(FakeDriver.FirstThenEcho(async driver =>
        {
            await driver.ReadyAsync();
            await driver.NextRequestAsync();
            await driver.SendLineAsync("""{"type":"done","id":"run-not-this-one","status":"ok"}""");
        }));

        var broken = await kernel.RunAsync("x");
        Assert.Equal("KernelProtocolError", broken.Error!.Name);
        Assert.Contains("not the kernel's current or last one", broken.Error.Value);
        Assert.True(kernel.Driver(0).Killed.IsCompleted);
        var fresh = await kernel.RunAsync("fresh\n");
        Assert.True(fresh.KernelRestarted);
        Assert.Contains("broke the protocol", fresh.KernelRestartReason);
    }

    [Fact]
    public async Task A_kernel_that_exits_before_it_is_ready_fails_to_start_with_its_reason()
    {
        await using var kernel = new FakeKernel(driver =>
        {
            driver.Exit(1, "no such module");
            return Task.CompletedTask;
        });
        var failure = await Assert.ThrowsAsync<AgbException>(() => kernel.RunAsync("x"));
        Assert.Equal("AgbKernelStartFailed", failure.ErrorId);
        Assert.Contains("exited while starting: it exited unexpectedly (exit code 1): no such module", failure.Message);
    }

    [Fact]
    public async Task Closing_fails_the_run_in_progress_and_turns_away_the_run_waiting_for_its_turn()
    {
        var kernel = new FakeKernel(InterruptibleThenEcho);
        var events = new EventLog();
        var running = kernel.RunAsync("hang", events);
        await events.WaitForAsync("stdout");
        var waiting = kernel.RunAsync("queued\n");

        await kernel.DisposeAsync();

        var closed = await running;
        Assert.Equal("SessionClosedError", closed.Error!.Name);
        Assert.Contains("the session was removed", closed.Error.Value);
        var turnedAway = await Assert.ThrowsAsync<AgbException>(() => waiting.WaitAsync(HangGuard));
        Assert.Equal("AgbSessionClosed", turnedAway.ErrorId);
        Assert.True(kernel.Driver(0).Killed.IsCompleted);
    }

    [Fact]
    public async Task After_closing_an_idle_kernel_every_run_and_start_is_refused_at_once()
    {
        var kernel = new FakeKernel(FakeDriver.Echo);
        Assert.True((await kernel.RunAsync("one\n")).Success);
        await kernel.DisposeAsync();

        // bounded only so that the old fault (the gate kept by the close) fails the test instead of hanging it
        var run = await Assert.ThrowsAsync<AgbException>(() => kernel.RunAsync("two\n").WaitAsync(HangGuard));
        var start = await Assert.ThrowsAsync<AgbException>(() => kernel.Controller.EnsureStartedAsync(null, CancellationToken.None).WaitAsync(HangGuard));
        Assert.Equal("AgbSessionClosed", run.ErrorId);
        Assert.Equal("AgbSessionClosed", start.ErrorId);
        Assert.True(kernel.Driver(0).Killed.IsCompleted);
    }

    [Fact]
    public async Task A_run_cancelled_while_waiting_for_its_turn_did_not_run()
    {
        await using var kernel = new FakeKernel(InterruptibleThenEcho);
        var events = new EventLog();
        var running = kernel.RunAsync("hang", events);
        await events.WaitForAsync("stdout");
        using var cancel = new CancellationTokenSource();
        var waiting = kernel.RunAsync("queued\n", cancellationToken: cancel.Token);
        cancel.Cancel();

        var notRun = await waiting;
        Assert.Equal("CancelledError", notRun.Error!.Name);
        Assert.Contains("nothing ran", notRun.Error.Value);
        Assert.False(running.IsCompleted);
        kernel.Driver(0).Interrupt();   // let the first run end
        Assert.Equal("KeyboardInterrupt", (await running).Error!.Name);
    }
    [Fact]
    public async Task A_run_that_begins_after_the_kernel_s_death_found_no_run_fails_at_once_naming_the_death()
    {
        // The interleaving the controller cannot order: the kernel dies and its death is handled (no run in the slot)
        // just after the controller saw it alive, and then the run takes the slot. Without this, the run waited for its timeout.
        var settings = new KernelSettings
        {
            Language = FakeKernel.Language,
            SessionId = "s-fake",
            Limits = new SessionLimits { OutputBytes = 64 * 1024 },
            StartTimeout = TimeSpan.FromMinutes(5),
            Launch = _ => throw new InvalidOperationException("not used"),
            StartFailed = what => new AgbException(AgbErrorKind.Platform, "AgbKernelStartFailed", what, "None."),
        };
        var runs = new RunSlot(settings.Limits.OutputBytes);
        using var driver = new FakeDriver(async d => { await d.ReadyAsync(); d.Exit(3, "the driver's last words"); });
        var kernel = new KernelGeneration(driver, runs, new ReadThrottle(), settings);
        await kernel.Ended.WaitAsync(HangGuard);

        var recorder = new RunRecorder("run-after-death", null, settings.Limits.OutputBytes);
        runs.Begin(recorder);
        kernel.FailIfEnded(recorder);

        Assert.True(recorder.IsDone);
        var result = recorder.Build(1, FakeKernel.Language, "s-fake");
        Assert.Contains("kernel ended", result.Error!.Value);
        Assert.Contains(kernel.DeathReason!, result.Error.Value);
    }
}
