using System.Management.Automation;
using AgbCode.Core.Errors;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.PowerShell.Completers;
using AgbCode.PowerShell.Output;

namespace AgbCode.PowerShell.Cmdlets;

/// <summary>Runs code in a sandbox: output shows live, the typed result goes down the pipeline.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "AgbCode", DefaultParameterSetName = CodeSet)]
[OutputType(typeof(EnhancedCodeExecutionResult))]
public sealed class InvokeAgbCodeCommand : AgbCmdlet
{
    private const string CodeSet = "Code";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = CodeSet)]
    [AllowEmptyString]
    public string Code { get; set; } = "";

    [Parameter(Mandatory = true)]
    [ArgumentCompleter(typeof(LanguageCompleter))]
    public string Language { get; set; } = "";

    [Parameter]
    public double TimeoutSec { get; set; } = RunRequest.DefaultTimeoutSec;

    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        RunRequest request;
        try
        {
            request = new RunRequest(Code, Language, TimeoutSec).Validated();
        }
        catch (AgbException failure)
        {
            WriteError(ToErrorRecord(failure, Code));
            return;
        }

        try
        {
            ICodeSpace space = Backends.Local();
            ICodeSession session = Await(space.CreateSessionAsync(new SessionOptions(), StopToken));
            WriteVerbose($"Created session {session.Id} ({session.Isolation}).");
            try
            {
                Run(session, request);
            }
            finally
            {
                space.DeleteSessionAsync(session.Id, CancellationToken.None).GetAwaiter().GetResult();
                WriteDebug($"Removed session {session.Id}.");
            }
        }
        catch (AgbException failure)
        {
            WriteError(ToErrorRecord(failure, request));
        }
    }

    private void Run(ICodeSession session, RunRequest request)
    {
        using var queue = new RunEventQueue(StopToken);
        Task<EnhancedCodeExecutionResult> run = Task.Run(async () =>
        {
            try
            {
                return await session.RunAsync(request, queue, StopToken).ConfigureAwait(false);
            }
            finally
            {
                queue.Complete();
            }
        });
        foreach (RunEvent item in queue.Drain())
            Show(item);
        EnhancedCodeExecutionResult result = Await(run);
        WriteObject(result);
        if (!result.Success)
            WriteError(RunFailure.For(result));
    }

    private void Show(RunEvent item)
    {
        switch (item.Kind)
        {
            case RunEventKind.Stdout when !Quiet:
                WriteInformation(new HostInformationMessage { Message = item.Text, NoNewLine = true }, ["PSHOST", "Stdout"]);
                break;
            case RunEventKind.Stderr when !Quiet:
                WriteInformation(new HostInformationMessage { Message = item.Text, NoNewLine = true }, ["PSHOST", "Stderr"]);
                break;
            case RunEventKind.Diagnostic:
                WriteVerbose(item.Text);
                break;
        }
    }
}
