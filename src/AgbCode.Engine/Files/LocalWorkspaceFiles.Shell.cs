using AgbCode.Core.Errors;
using AgbCode.Core.Files;
using AgbCode.Engine.Kernels;
using AgbCode.Engine.Sandbox;
using AgbCode.Core.Display;

namespace AgbCode.Engine.Files;

/// <summary>A shell command in a fresh sandbox of the session: /bin/sh -c, in a folder, with extra variables, under a timeout.</summary>
internal sealed partial class LocalWorkspaceFiles
{
    public const int TimedOutExitCode = 124;

    // $1 is the folder, $2 the command: neither is ever spliced into shell text.
    private const string ShellScript = "cd -- \"$1\" && exec /bin/sh -c \"$2\"";

    public async Task<ShellResult> ShellAsync(string command, string? workingDirectory, IReadOnlyDictionary<string, string>? environment,
        TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (timeout <= TimeSpan.Zero)
            throw new AgbException(AgbErrorKind.BadInput, RunErrors.BadTimeout, $"A shell command needs a positive timeout (got {timeout}).",
                "Pass a timeout of at least a millisecond.");
        var variables = new Dictionary<string, string>(context.Environment, StringComparer.Ordinal);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            variables[CheckedName(name)] = Checked(value);
        string folder = Checked(string.IsNullOrEmpty(workingDirectory) ? "." : workingDirectory);
        var shell = new SessionCommand
        {
            Command = (_, _) => ["/bin/sh", "-c", ShellScript, "agb-shell", folder, Checked(command)],
            Environment = (_, _) => variables,
        };

        long cap = context.Limits.OutputBytes;
        SandboxRun run = await StartAsync(shell, cap).ConfigureAwait(false);
        try
        {
            run.Input.Close();
            Task<(string Text, bool Cut)> stdout = SandboxRun.ReadCappedAsync(run.Output, cap);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            bool timedOut = false;
            (int ExitCode, string Errors, bool ErrorsCut) exit;
            try
            {
                exit = await run.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await run.KillAsync().ConfigureAwait(false);
                timedOut = true;
                exit = await run.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await run.KillAsync().ConfigureAwait(false);
                throw;
            }
            ThrowIfClosed();
            var (text, cut) = await stdout.ConfigureAwait(false);
            return new ShellResult(WithMark(text, cut, cap), WithMark(exit.Errors, exit.ErrorsCut, cap),
                timedOut ? TimedOutExitCode : exit.ExitCode, timedOut);
        }
        finally
        {
            await FinishAsync(run).ConfigureAwait(false);
        }
    }

    /// <summary>Starts a process in a fresh sandbox of the session, tracked so that removing the session kills it.</summary>
    private async Task<SandboxRun> StartAsync(SessionCommand command, long errorCap)
    {
        ThrowIfClosed();
        SandboxRun run = await SandboxRun.StartAsync(context, $"shell-{Interlocked.Increment(ref _shells)}", command, errorCap).ConfigureAwait(false);
        _running[run] = 0;
        if (_closed)
            await run.KillAsync().ConfigureAwait(false);
        return run;
    }

    private async Task FinishAsync(SandboxRun run)
    {
        await run.DisposeAsync().ConfigureAwait(false);
        _running.TryRemove(run, out _);
    }

    private static string WithMark(string text, bool cut, long cap) => cut ? $"{text}\n[output cut at {Sizes.Format(cap)}]" : text;

    private static string CheckedName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('=') || name.Contains('\0'))
            throw new AgbException(AgbErrorKind.BadInput, RunErrors.BadVariableName, $"'{InertText.OneLine(name ?? "")}' cannot be an environment variable's name.",
                "Use a name without '=' or NUL, such as MY_SETTING.");
        return name;
    }
}
