using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Kernels;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>
/// A kernel whose code forges protocol messages (user code shares the driver's process and can import agb_protocol)
/// or floods the engine: what the engine holds stays bounded, a kernel that says what an honest driver never says is
/// killed with a reason the next run is told, and a run's left-over processes end with its timeout.
/// See docs/security.md, "Engine under hostile kernels".
/// </summary>
public class HostileKernelTests(AbuseFixture fixture) : IClassFixture<AbuseFixture>
{
    private const string Forge = "import agb_protocol as p\n";

    /// <summary>Runs <paramref name="attack"/> in a fresh small session of its own, then removes it and checks nothing is left.</summary>
    private async Task InOwnSession(Func<LocalSession, Task> attack)
    {
        var session = (LocalSession)await fixture.Space.CreateSessionAsync(new SessionOptions { Limits = AbuseFixture.Small });
        SessionFootprint footprint = session.Footprint;
        try
        {
            await attack(session);
        }
        finally
        {
            await fixture.Space.DeleteSessionAsync(session.Id);
        }
        HostLeaks.AssertGone(footprint);
    }

    private static Task<EnhancedCodeExecutionResult> Python(LocalSession session, string code, double timeoutSec = 60, IRunObserver? observer = null) =>
        session.RunAsync(new RunRequest(code, "python", timeoutSec), observer);

    /// <summary>Waits until the session's python kernel is dead (the engine killed it), failing after 60 s.</summary>
    private static async Task WaitForKernelDeathAsync(LocalSession session)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (session.Kernels.Single(k => k.Language == "python").State != KernelState.Dead && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.Equal(KernelState.Dead, session.Kernels.Single(k => k.Language == "python").State);
    }

    // ---- item 3: memory bounded by the cap ----------------------------------------------------------------------

    [Fact]
    public Task Display_items_past_the_bound_are_dropped_and_said_once() =>
        fixture.Abuse("python", "for i in range(3000):\n    display({'text/latex': 'x'}, raw=True)\n'done'", result =>
        {
            Assert.True(result.Success, result.ErrorMessage);
            Assert.Equal(OutputBounds.MaxResultItems, result.Results.Count(r => !r.IsMainResult));
            Assert.True(result.OutputTruncated);
            Assert.Equal(1, CountOf(result.Stdout, OutputBounds.ItemsMarker));
            Assert.Equal("'done'", result.Text);
        }, timeoutSec: 120);

    [Fact]
    public Task A_bundle_with_too_many_mime_keys_keeps_only_the_first() =>
        fixture.Abuse("python", "display({f'x-agb/{i}': 'x' for i in range(20000)}, raw=True)\ndisplay({f'x-agb/{i}': 'x' for i in range(100)}, raw=True)", result =>
        {
            Assert.True(result.Success, result.ErrorMessage);
            Assert.Equal(2, result.Results.Count);
            Assert.All(result.Results, r => Assert.Equal(OutputBounds.MaxMimeKeys, MimeBundle.FormatsOf(r).Count));
            Assert.True(result.OutputTruncated);
            Assert.Equal(1, CountOf(result.Stdout, OutputBounds.MimeKeysMarker));   // said once, for both bundles
        });

    [Fact]
    public Task Forged_results_keep_one_main_result() =>
        fixture.Abuse("python", Forge + "for i in range(500):\n    p.send({'type': 'execute_result', 'id': p.Run.current_id(), 'data': {'text/plain': str(i)}})", result =>
        {
            Assert.True(result.Success, result.ErrorMessage);
            Assert.Equal("499", Assert.Single(result.Results).Text);   // a later main result replaces the earlier one
        });

    [Fact]
    public Task Forged_execute_result_lines_count_toward_the_cap() =>
        fixture.Abuse("python", Forge + "for i in range(20000):\n    p.send({'type': 'execute_result', 'id': p.Run.current_id(), 'data': {'text/plain': 'y' * 1000}})", result =>
        {
            // 20 MB of results, each under the 1 MiB cap, used to pass uncounted; now past the honest volume the kernel goes
            Assert.Equal("KernelProtocolError", result.Error!.Name);
            Assert.Contains("more output than the 1 MiB cap allows", result.Error.Value);
        }, timeoutSec: 120);

    // ---- item 6: what an honest driver never sends --------------------------------------------------------------

    public static TheoryData<string, string> DishonestInRun => new()
    {
        { "p.send({'type': 'bogus', 'id': p.Run.current_id()})", "a message of unknown type 'bogus'" },
        { "p.send({'type': 'stream', 'id': 'run-someone-else', 'name': 'stdout', 'text': 'x'})", "a message for a run that is not the kernel's current or last one" },
        { "p.send({'type': 'ready', 'runtime': 'forged'})", "a second 'ready' message" },
    };

    [Theory]
    [MemberData(nameof(DishonestInRun))]
    public Task A_message_an_honest_driver_never_sends_kills_the_kernel_and_the_next_run_is_told(string forgery, string reason) =>
        InOwnSession(async session =>
        {
            EnhancedCodeExecutionResult attack = await Python(session, Forge + "kept = 1\n" + forgery + "\nimport time; time.sleep(30)");
            Assert.Equal("KernelProtocolError", attack.Error!.Name);
            Assert.Contains(reason, attack.Error.Value);

            EnhancedCodeExecutionResult next = await Python(session, "'kept' in globals()");
            Assert.True(next.KernelRestarted);
            Assert.Contains(reason, next.KernelRestartReason);
            Assert.Equal("False", next.Text);
        });

    /// <summary>The attacker's background thread waits until its run is over, then sends this many times.</summary>
    private static string AfterTheRun(string message, int times) => Forge + $$"""
        import threading, time
        def later():
            while p.Run.current is not None: time.sleep(0.005)
            for _ in range({{times}}): p.send({{message}})
        threading.Thread(target=later, daemon=True).start()
        """;

    public static TheoryData<string, int, string> DishonestBetweenRuns => new()
    {
        { "{'type': 'error', 'id': None, 'ename': 'Forged', 'evalue': 'x', 'traceback': []}", 1, "a 'error' message outside its run" },
        { "{'type': 'done', 'id': None, 'status': 'ok'}", 1, "a 'done' message outside its run" },
        { "{'type': 'stream', 'id': None, 'name': 'stdout', 'text': 'z' * 4096}", 5000, "more output between runs than the 1 MiB cap allows" },
    };

    [Theory]
    [MemberData(nameof(DishonestBetweenRuns))]
    public Task Between_runs_too_a_dishonest_kernel_is_killed_and_the_next_run_is_told(string message, int times, string reason) =>
        InOwnSession(async session =>
        {
            // the forgery may arrive just before the driver's own done, or after it: either way the kernel dies
            await Python(session, AfterTheRun(message, times));
            await WaitForKernelDeathAsync(session);

            EnhancedCodeExecutionResult next = await Python(session, "1 + 1");
            Assert.True(next.KernelRestarted);
            Assert.Contains(reason, next.KernelRestartReason);
            Assert.Equal("2", next.Text);
        });

    [Fact]
    public Task Honest_output_between_runs_beyond_the_cap_is_cut_by_the_driver_and_the_kernel_lives() =>
        InOwnSession(async session =>
        {
            // a background thread prints 3 MiB after its run: the driver stops at the 1 MiB cap and says so once
            EnhancedCodeExecutionResult first = await Python(session, """
                import threading, time, agb_protocol
                def later():
                    while agb_protocol.Run.current is not None: time.sleep(0.005)
                    for _ in range(3 * 1024): print('w' * 1023, flush=True)
                    open('printed', 'w').close()
                threading.Thread(target=later, daemon=True).start()
                """);
            Assert.True(first.Success, first.ErrorMessage);
            await WaitForWorkspaceFileAsync(session, "printed");

            EnhancedCodeExecutionResult next = await Python(session, "'alive'");
            Assert.False(next.KernelRestarted, next.KernelRestartReason);
            Assert.Equal("'alive'", next.Text);
            Assert.InRange(next.Stdout.Length, 512 * 1024, 1024 * 1024);   // the late output, up to the cap, handed to this run
        });

    [Fact]
    public Task A_flooding_kernel_is_read_no_faster_than_its_budget() =>
        InOwnSession(async session =>
        {
            const int messages = 3 * ReadThrottle.MessagesPerSecond;
            var log = new EventLog();
            EnhancedCodeExecutionResult result = await Python(session,
                Forge + $"for i in range({messages}):\n    p.send({{'type': 'stream', 'id': p.Run.current_id(), 'name': 'stdout', 'text': 'f'}})",
                observer: log);
            Assert.True(result.Success, result.ErrorMessage);
            Assert.Equal(messages, result.Stdout.Length);
            TimeSpan[] times = [.. log.Of("stdout").Select(e => e.At)];
            // a second's worth may come at once; the rest at the budget's pace, however fast the kernel writes
            double least = (messages - ReadThrottle.MessagesPerSecond) / (double)ReadThrottle.MessagesPerSecond;
            Assert.True((times[^1] - times[0]).TotalSeconds >= least * 0.95, $"read {messages} messages in {(times[^1] - times[0]).TotalSeconds:0.00} s");
        });

    // ---- item 11: a timed-out run leaves nothing running ------------------------------------------------------------

    [Fact]
    public Task Processes_a_timed_out_run_started_end_with_it_and_the_state_is_kept() =>
        InOwnSession(async session =>
        {
            EnhancedCodeExecutionResult timedOut = await Python(session, """
                import os, subprocess, time
                kept = 'state'
                writer = "echo $$ > {0}.pid; while :; do echo x >> {0}.txt; sleep 0.01; done"
                subprocess.Popen(['sh', '-c', writer.format('child')])
                subprocess.Popen(['sh', '-c', writer.format('daemon')], start_new_session=True)
                while not (os.path.exists('child.txt') and os.path.exists('daemon.txt')): time.sleep(0.01)
                time.sleep(600)
                """, timeoutSec: 3);
            Assert.Equal("TimeoutError", timedOut.Error!.Name);
            Assert.Contains("state was kept", timedOut.Error.Value);
            Assert.Contains("were ended", timedOut.Error.Value);
            long child = new FileInfo(Path.Combine(session.WorkspacePath, "child.txt")).Length;
            long daemon = new FileInfo(Path.Combine(session.WorkspacePath, "daemon.txt")).Length;

            // the cause: both writers are gone (or zombies), seen from inside; then the files cannot have grown
            EnhancedCodeExecutionResult check = await Python(session, """
                import os
                def state(name):
                    pid = int(open(name + '.pid').read())
                    try: return open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()[0]
                    except FileNotFoundError: return 'gone'
                print(state('child') in ('Z', 'gone'), state('daemon') in ('Z', 'gone'), kept)
                """);
            Assert.False(check.KernelRestarted);
            Assert.Equal("True True state\n", check.Stdout);
            Assert.Equal(child, new FileInfo(Path.Combine(session.WorkspacePath, "child.txt")).Length);
            Assert.Equal(daemon, new FileInfo(Path.Combine(session.WorkspacePath, "daemon.txt")).Length);
        });

    private static async Task WaitForWorkspaceFileAsync(LocalSession session, string name)
    {
        string path = Path.Combine(session.WorkspacePath, name);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(path) && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.True(File.Exists(path), $"the session never wrote {name}");
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
