using System.Diagnostics;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

public class SmallCapSessionFixture : SessionFixture
{
    public const long OutputCap = 64 * 1024;

    protected override SessionOptions Options => new()
    {
        Limits = SessionLimits.Default with { OutputBytes = OutputCap, InterruptGrace = TimeSpan.FromSeconds(1) },
    };
}

/// <summary>Timeouts, cancellation, kernel death and restart, the output cap, serialization.</summary>
public class RunSemanticsTests(SmallCapSessionFixture fixture) : IClassFixture<SmallCapSessionFixture>
{
    [Fact]
    public async Task A_timeout_interrupts_and_keeps_the_state()
    {
        await fixture.Python("survivor = 'still here'");
        var clock = Stopwatch.StartNew();
        EnhancedCodeExecutionResult timedOut = await fixture.Python("print('started', flush=True)\nimport time\nwhile True: time.sleep(0.05)", timeoutSec: 1);
        clock.Stop();
        EnhancedCodeExecutionResult after = await fixture.Python("survivor");

        Assert.False(timedOut.Success);
        Assert.Equal("TimeoutError", timedOut.Error!.Name);
        Assert.Contains("interrupted", timedOut.Error.Value);
        Assert.Contains("state was kept", timedOut.Error.Value);
        Assert.Contains("KeyboardInterrupt", timedOut.Error.Traceback);
        Assert.Equal("started\n", timedOut.Stdout);
        Assert.True(clock.Elapsed.TotalSeconds >= 0.9, $"ended after {clock.Elapsed}");   // the engine's timer, started after the clock: never more than a timer tick early; how soon after is measured by bench (interrupts)
        Assert.Equal("'still here'", after.Text);
        Assert.False(after.KernelRestarted);
    }

    [Fact]
    public async Task A_run_that_took_the_interrupt_keeps_its_state_however_long_its_error_takes_to_make()
    {
        // A fresh kernel makes IPython's shell to show its first traceback; here that takes 3 s, three times the grace.
        var options = new SessionOptions { Limits = SessionLimits.Default with { InterruptGrace = TimeSpan.FromSeconds(1) } };
        await fixture.InNewSession(options, async session =>
        {
            EnhancedCodeExecutionResult slowed = await session.RunAsync(new RunRequest("""
                import sys, time
                kept = 'state'
                class SlowShell:
                    def find_spec(self, name, path=None, target=None):
                        if name == 'IPython.core.interactiveshell':
                            time.sleep(3)
                sys.meta_path.insert(0, SlowShell())
                'IPython.core.interactiveshell' in sys.modules
                """, "python", 30));
            Assert.Equal("False", slowed.Text);   // the shell is still to be made

            EnhancedCodeExecutionResult timedOut = await session.RunAsync(new RunRequest("time.sleep(600)", "python", 1));
            EnhancedCodeExecutionResult after = await session.RunAsync(new RunRequest("kept", "python", 30));

            Assert.Equal("TimeoutError", timedOut.Error!.Name);
            Assert.Contains("state was kept", timedOut.Error.Value);
            Assert.Contains("KeyboardInterrupt", timedOut.Error.Traceback);
            Assert.Equal("'state'", after.Text);
            Assert.False(after.KernelRestarted);
        });
    }

    [Fact]
    public async Task A_run_that_ignores_the_interrupt_is_killed_and_the_next_run_is_told_its_state_was_lost()
    {
        await fixture.Python("doomed = 1");
        EnhancedCodeExecutionResult killed = await fixture.Python("""
            import signal, time
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            while True: time.sleep(0.05)
            """, timeoutSec: 1);
        EnhancedCodeExecutionResult next = await fixture.Python("'doomed' in globals()");

        Assert.Equal("TimeoutError", killed.Error!.Name);
        Assert.Contains("kernel was killed", killed.Error.Value);
        Assert.Contains("state was lost", killed.Error.Value);
        Assert.True(next.Success, next.ErrorMessage);
        Assert.Equal("False", next.Text);
        Assert.True(next.KernelRestarted);
        Assert.Contains("timed out", next.KernelRestartReason);
    }

    [Fact]
    public async Task Cancelling_interrupts_like_a_timeout()
    {
        await fixture.Python("before_cancel = 5");
        var log = new EventLog();
        using var cancel = new CancellationTokenSource();
        Task<EnhancedCodeExecutionResult> run = fixture.Python("print('working', flush=True)\nimport time\ntime.sleep(600)\nprint('not reached')",
            timeoutSec: 900, observer: log, cancellationToken: cancel.Token);
        await log.WaitForAsync("stdout");
        cancel.Cancel();
        EnhancedCodeExecutionResult cancelled = await run;

        // The sleep was cut short, not waited out: the line after it never ran (how fast: bench, interrupts)
        Assert.Equal("working\n", cancelled.Stdout);
        Assert.Equal("CancelledError", cancelled.Error!.Name);
        Assert.Contains("state was kept", cancelled.Error.Value);
        Assert.Equal("5", (await fixture.Python("before_cancel")).Text);
    }

    [Fact]
    public async Task A_kernel_that_exits_is_reported_and_replaced()
    {
        EnhancedCodeExecutionResult died = await fixture.Python("print('bye', flush=True)\nimport os\nos._exit(3)");
        EnhancedCodeExecutionResult next = await fixture.Python("1 + 1");

        Assert.Equal("KernelDiedError", died.Error!.Name);
        Assert.Contains("exit code 3", died.Error.Value);
        Assert.Equal("bye\n", died.Stdout);
        Assert.Equal("2", next.Text);
        Assert.True(next.KernelRestarted);
        Assert.Contains("exit code 3", next.KernelRestartReason);
    }

    [Fact]
    public async Task Output_past_the_cap_is_cut_with_a_marker_and_the_kernel_keeps_working()
    {
        EnhancedCodeExecutionResult flood = await fixture.Python("for i in range(100000): print('line', i)\n'finished'");
        EnhancedCodeExecutionResult next = await fixture.Python("'still alive'");

        Assert.True(flood.OutputTruncated);
        Assert.Contains("[output truncated", flood.Stdout);
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(flood.Stdout), SmallCapSessionFixture.OutputCap - 100, SmallCapSessionFixture.OutputCap + 200);
        Assert.StartsWith("line 0\nline 1\n", flood.Stdout);
        Assert.True(flood.Success, flood.ErrorMessage);
        Assert.Equal("'still alive'", next.Text);
        Assert.False(next.KernelRestarted);
    }

    [Theory]
    [InlineData("python", "display({'text/plain': '中' * 20_000}, raw=True)\n'中' * 20_000")]
    [InlineData("java", "\"中\".repeat(20_000)")]   // through the supervisor
    public async Task Results_of_text_that_is_not_ascii_count_as_the_engine_counts_them_and_are_kept_within_the_cap(string language, string code)
    {
        // 20,000 characters: a third of the 64 KiB cap; escaped as \uXXXX, as a driver once measured them, nearly twice it
        EnhancedCodeExecutionResult result = await fixture.Run(language, code, 120);

        Assert.True(result.Success, result.ErrorMessage);
        Assert.False(result.OutputTruncated);
        Assert.All(result.Results, item => Assert.Contains(new string('中', 20_000), item.Text));
        Assert.Equal(language == "python" ? 2 : 1, result.Results.Count);
    }

    [Theory]
    [InlineData("python", "'x' * 100_000")]
    [InlineData("java", "\"x\".repeat(100_000)")]   // through the supervisor
    public async Task A_result_larger_than_the_cap_is_flagged_as_cut_rather_than_left_out_without_a_word(string language, string code)
    {
        EnhancedCodeExecutionResult large = await fixture.Run(language, code, 120);
        EnhancedCodeExecutionResult next = await fixture.Run(language, "1 + 1", 60);

        Assert.True(large.Success, large.ErrorMessage);
        Assert.Empty(large.Results);
        Assert.True(large.OutputTruncated);
        Assert.Contains("[output truncated", large.Stdout);
        Assert.Equal("2", next.Text);
        Assert.False(next.OutputTruncated);
    }

    [Theory]
    [InlineData("bytearray(150_000_000)")]   // IPython's path
    [InlineData("'x' * 150_000_000")]        // the light path
    public async Task A_python_value_whose_text_cannot_fit_the_cap_is_not_rendered_and_the_kernel_lives(string code)
    {
        // the bytearray's repr is 600 MB and the str's a copy of it: making them ran this 512 MiB session out of memory
        await fixture.InNewSession(new SessionOptions
        {
            Limits = SessionLimits.Default with { OutputBytes = SmallCapSessionFixture.OutputCap, MemoryBytes = 512 * SessionLimits.MiB },
        }, async session =>
        {
            EnhancedCodeExecutionResult large = await session.RunAsync(new RunRequest(code, "python", 120));
            EnhancedCodeExecutionResult kept = await session.RunAsync(new RunRequest("len(_)", "python", 60));

            Assert.True(large.Success, large.ErrorMessage);
            Assert.Empty(large.Results);
            Assert.True(large.OutputTruncated);
            Assert.Equal("150000000", kept.Text);   // still the cell's result
            Assert.False(kept.KernelRestarted);
        });
    }

    [Fact]
    public async Task Runs_on_one_kernel_are_serialized()
    {
        Task<EnhancedCodeExecutionResult> first = fixture.Python("import time; t0 = time.monotonic(); time.sleep(0.5); t0");
        Task<EnhancedCodeExecutionResult> second = fixture.Python("import time; time.monotonic()");
        EnhancedCodeExecutionResult[] both = await Task.WhenAll(first, second);

        double firstStart = double.Parse(both[0].Text!, System.Globalization.CultureInfo.InvariantCulture);
        double secondStart = double.Parse(both[1].Text!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(secondStart - firstStart >= 0.5, "the second run started before the first finished");
    }

    [Fact]
    public async Task Output_printed_after_a_run_ended_goes_to_the_next_run()
    {
        await fixture.Python("""
            import threading, time
            def later():
                time.sleep(0.3)
                print('printed between runs', flush=True)
                open('late-printed', 'w').close()
            threading.Thread(target=later).start()
            """);
        await fixture.WaitForFileAsync("late-printed");   // printed after the run ended, before the next one
        EnhancedCodeExecutionResult next = await fixture.Python("print('next run')");
        Assert.Equal("printed between runs\nnext run\n", next.Stdout);
    }
}
