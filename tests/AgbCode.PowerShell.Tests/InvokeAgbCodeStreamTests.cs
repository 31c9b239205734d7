using System.Management.Automation;
using AgbCode.Core.Results;

namespace AgbCode.PowerShell.Tests;

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
    public void A_failed_run_writes_the_result_then_an_error_targeting_it_and_ErrorAction_Stop_throws()
    {
        using var shell = _host.New();
        shell.AddCommand("Invoke-AgbCode").AddParameter("Language", "python").AddParameter("Code", "print('partial')\nundefined_name")
             .AddParameter("ErrorAction", ActionPreference.Stop);

        var failure = Assert.Throws<ActionPreferenceStopException>(() => shell.Invoke());
        Assert.Equal("AgbExecutionFailed,AgbCode.PowerShell.Cmdlets.InvokeAgbCodeCommand", failure.ErrorRecord.FullyQualifiedErrorId);
        var result = Assert.IsType<EnhancedCodeExecutionResult>(failure.ErrorRecord.TargetObject);
        Assert.Equal("NameError", result.Error!.Name);
        Assert.Equal("partial\n", result.Stdout);
    }

    public void Dispose() => _host.Dispose();
}
