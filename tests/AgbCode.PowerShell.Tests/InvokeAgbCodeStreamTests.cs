using System.Management.Automation;
using AgbCode.Core.Results;

namespace AgbCode.PowerShell.Tests;

/// <summary>Where Invoke-AgbCode's output goes, hosted in a real runspace with the built module.</summary>
[Collection(ProcessWideSessions.Name)]
public class InvokeAgbCodeStreamTests : IDisposable
{
    private readonly PowerShellHost _host = HostedModule.Create();

    [Fact]
    public void Chunks_go_to_information_tagged_by_stream_and_the_result_to_output()
    {
        using var shell = _host.New();
        shell.AddCommand("Invoke-AgbCode").AddParameter("Language", "python")
             .AddParameter("Code", "import sys\nprint('out line')\nprint('err line', file=sys.stderr)\n'done'");
        var output = shell.Invoke();

        var result = Assert.IsType<EnhancedCodeExecutionResult>(Assert.Single(output).BaseObject);
        Assert.Equal("'done'", result.Text);
        var records = shell.Streams.Information.ToList();
        var stdout = Assert.Single(records, r => r.Tags.Contains("Stdout"));
        var stderr = Assert.Single(records, r => r.Tags.Contains("Stderr"));
        Assert.Contains("PSHOST", stdout.Tags);
        Assert.Equal("out line\n", ((HostInformationMessage)stdout.MessageData).Message);
        Assert.Equal("err line\n", ((HostInformationMessage)stderr.MessageData).Message);
        Assert.Empty(shell.Streams.Error);
    }

    [Fact]
    public void Stream_writes_one_string_per_line_without_its_newline_and_keeps_stderr_on_the_host()
    {
        using var shell = _host.New();
        shell.AddScript("Invoke-AgbCode -Language py -Code \"import sys`nprint('a\\nb\\nc')`nprint('warn', file=sys.stderr)`nprint('two\\r')`nprint('', end='')\" -Stream");
        var output = shell.Invoke().Select(o => o.BaseObject).ToList();

        Assert.Equal(["a", "b", "c", "two"], output.Cast<string>());
        Assert.Single(shell.Streams.Information, r => r.Tags.Contains("Stderr"));
        Assert.DoesNotContain(shell.Streams.Information, r => r.Tags.Contains("Stdout"));
    }

    [Fact]
    public void Stream_writes_a_last_line_without_newline_when_the_run_ends()
    {
        using var shell = _host.New();
        shell.AddScript("Invoke-AgbCode -Language javascript -Code \"process.stdout.write('x'); process.stdout.write('y\\nla'); process.stdout.write('st')\" -Stream");
        var output = shell.Invoke().Select(o => o.BaseObject).ToList();

        Assert.Equal(["xy", "last"], output.Cast<string>());
    }

    [Fact]
    public void Stream_of_100000_lines_is_exactly_100000_strings_in_order()
    {
        using var shell = _host.New();
        shell.AddScript("Invoke-AgbCode -Language python -Code \"for i in range(100000): print(f'line {i}')\" -Stream -TimeoutSec 120");
        var output = shell.Invoke().Select(o => o.BaseObject).ToList();

        Assert.Equal(100_000, output.Count);
        Assert.Equal(Enumerable.Range(0, 100_000).Select(i => $"line {i}"), output.Cast<string>());
        Assert.Empty(shell.Streams.Error);
    }

    [Fact]
    public void A_failed_run_writes_the_result_first_then_an_error_targeting_it()
    {
        using var shell = _host.New();
        shell.AddScript("Invoke-AgbCode -Language python -Code \"print('partial')`nundefined_name\" 2>&1");
        var merged = shell.Invoke().Select(o => o.BaseObject).ToList();

        Assert.Equal(2, merged.Count);
        var result = Assert.IsType<EnhancedCodeExecutionResult>(merged[0]);
        var error = Assert.IsType<ErrorRecord>(merged[1]);
        Assert.Same(result, error.TargetObject);
        Assert.Equal("AgbExecutionFailed,AgbCode.PowerShell.Cmdlets.InvokeAgbCodeCommand", error.FullyQualifiedErrorId);
        Assert.Equal("NameError", result.Error!.Name);
    }

    [Fact]
    public void A_clean_exit_is_a_success_that_prints_nothing()
    {
        using var shell = _host.New();
        shell.AddScript("Invoke-AgbCode -Language python -Code \"print('done')`nimport sys`nsys.exit(0)\"");
        var result = Assert.IsType<EnhancedCodeExecutionResult>(Assert.Single(shell.Invoke()).BaseObject);

        Assert.True(result.Success);
        Assert.Equal(0, result.ExitCode);
        Assert.Empty(shell.Streams.Error);
        Assert.Equal(["done\n"], shell.Streams.Information.Select(r => ((HostInformationMessage)r.MessageData).Message));
    }

    [Fact]
    public void A_non_zero_exit_is_an_AgbExitCode_error_that_carries_the_code()
    {
        using var shell = _host.New();
        shell.AddScript("Invoke-AgbCode -Language r -Code 'quit(status = 5)' 2>&1");
        var merged = shell.Invoke().Select(o => o.BaseObject).ToList();

        var result = Assert.IsType<EnhancedCodeExecutionResult>(merged[0]);
        var error = Assert.IsType<ErrorRecord>(merged[1]);
        Assert.Equal(5, result.ExitCode);
        Assert.Equal("AgbExitCode,AgbCode.PowerShell.Cmdlets.InvokeAgbCodeCommand", error.FullyQualifiedErrorId);
        Assert.Equal("r: SystemExit: exit code 5", error.Exception.Message);
    }

    [Fact]
    public void ErrorAction_Stop_throws_and_the_output_is_still_reachable()
    {
        using var shell = _host.New();
        shell.AddCommand("Invoke-AgbCode").AddParameter("Language", "python").AddParameter("Code", "print('partial')\nundefined_name")
             .AddParameter("ErrorAction", ActionPreference.Stop);

        var failure = Assert.Throws<ActionPreferenceStopException>(() => shell.Invoke());
        Assert.Equal("AgbExecutionFailed,AgbCode.PowerShell.Cmdlets.InvokeAgbCodeCommand", failure.ErrorRecord.FullyQualifiedErrorId);
        Assert.Equal("partial\n", Assert.IsType<EnhancedCodeExecutionResult>(failure.ErrorRecord.TargetObject).Stdout);
    }

    [Fact]
    public void Stop_kills_the_run_in_the_sandbox_and_removes_the_ephemeral_session()
    {
        // Code that only a kill ends: it ignores SIGINT, never finishes, and has an hour before its timeout. So Stop
        // returning at all proves the engine killed it; no clock is needed (a hang guard only, far from any real time).
        using var shell = _host.New();
        shell.AddCommand("Invoke-AgbCode").AddParameter("Language", "python").AddParameter("TimeoutSec", 3600)
             .AddParameter("Code", "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nprint('started', flush=True)\nwhile True: time.sleep(1)");
        var started = new ManualResetEventSlim();
        shell.Streams.Information.DataAdded += (_, _) => started.Set();
        IAsyncResult running = shell.BeginInvoke();
        Assert.True(started.Wait(HangGuard), "the run never printed");
        string sessionId = SessionIds().Single();

        shell.Stop();
        Assert.True(running.AsyncWaitHandle.WaitOne(HangGuard), "Stop did not end a run that ignores SIGINT");
        Assert.Throws<PipelineStoppedException>(() => shell.EndInvoke(running));

        Assert.DoesNotContain(sessionId, SessionIds());
    }

    [Fact]
    public void Stop_keeps_a_given_session_and_its_next_run_gets_a_fresh_kernel()
    {
        using var shell = _host.New();
        string sessionId = shell.AddScript("(New-AgbSession -Language python).Id").Invoke().Single().ToString();
        shell.Commands.Clear();
        shell.AddCommand("Invoke-AgbCode").AddParameter("Session", sessionId).AddParameter("Language", "python").AddParameter("TimeoutSec", 3600)
             .AddParameter("Code", "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nkept = 1\nprint('started', flush=True)\nwhile True: time.sleep(1)");
        var started = new ManualResetEventSlim();
        shell.Streams.Information.DataAdded += (_, _) => started.Set();
        IAsyncResult running = shell.BeginInvoke();
        Assert.True(started.Wait(HangGuard), "the run never printed");

        shell.Stop();
        Assert.True(running.AsyncWaitHandle.WaitOne(HangGuard), "Stop did not end a run that ignores SIGINT");
        Assert.Throws<PipelineStoppedException>(() => shell.EndInvoke(running));

        // The cause, seen from the session: the kernel that ran the code was killed, so its state is gone.
        using var next = _host.New();
        var result = Assert.IsType<EnhancedCodeExecutionResult>(next.AddCommand("Invoke-AgbCode").AddParameter("Session", sessionId)
            .AddParameter("Language", "python").AddParameter("Code", "'kept' in globals()").Invoke().Single().BaseObject);
        Assert.Equal("False", result.Text);
        Assert.True(result.KernelRestarted);
        next.Commands.Clear();
        next.AddCommand("Remove-AgbSession").AddParameter("Id", sessionId).Invoke();
    }

    [Fact]
    public void A_run_cut_at_the_output_cap_warns_and_says_how_to_raise_the_cap()
    {
        using var shell = _host.New();
        shell.AddScript("$s = New-AgbSession -Language python -OutputLimitMB 1; try { Invoke-AgbCode -Session $s -Code \"'x' * 3_000_000\" } finally { Remove-AgbSession $s }");
        var result = Assert.IsType<EnhancedCodeExecutionResult>(Assert.Single(shell.Invoke()).BaseObject);

        Assert.True(result.OutputTruncated);
        string warning = Assert.Single(shell.Streams.Warning).Message;
        Assert.Contains("output cap", warning);
        Assert.Contains("New-AgbSession -OutputLimitMB", warning);
    }

    [Fact]
    public void A_long_run_in_a_non_interactive_host_writes_no_progress()
    {
        using var shell = _host.New();
        shell.AddCommand("Invoke-AgbCode").AddParameter("Language", "python").AddParameter("Code", "import time; time.sleep(3)");
        shell.Invoke();
        Assert.Empty(shell.Streams.Progress);
    }

    [Fact]
    public void Verbose_tells_the_lifecycle()
    {
        using var shell = _host.New();
        shell.AddCommand("Invoke-AgbCode").AddParameter("Language", "python").AddParameter("Code", "1").AddParameter("Verbose");
        shell.Invoke();
        string verbose = string.Join("\n", shell.Streams.Verbose.Select(v => v.Message));

        Assert.Matches("Created session session-[a-z0-9]+ .*; kernels running: python", verbose);   // started for the run, with the session
        Assert.Matches("Run run-[0-9a-f]+: python execution 1", verbose);
        Assert.Matches(@"succeeded in \d+\.\d+ s", verbose);
        Assert.Matches("Removing session session-[a-z0-9]+ in the background", verbose);   // a local session goes behind the next input
    }

    // Only a guard against a hang, never a claim about speed: the properties above are proven by what happened.
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    // From another runspace: sessions are process-wide.
    private static List<string> SessionIds()
    {
        using PowerShellHost other = HostedModule.Create();
        using var shell = other.New();
        return [.. shell.AddScript("Get-AgbSession | ForEach-Object Id").Invoke().Select(o => o.ToString())];
    }

    public void Dispose() => _host.Dispose();
}
