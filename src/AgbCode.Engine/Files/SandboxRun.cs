using System.Diagnostics;
using System.Text;
using AgbCode.Engine.Kernels;
using AgbCode.Engine.Sandbox;
using AgbCode.Engine.Sandbox.Cgroups;

namespace AgbCode.Engine.Files;

/// <summary>
/// One process in a session's sandbox (the kept-alive file helper, or a shell command): the kernels' launcher, uid,
/// namespaces, seccomp and limits, in a cgroup of its own under the session's. Disposing kills whatever is left.
/// </summary>
internal sealed class SandboxRun : IAsyncDisposable
{
    private readonly Process _process;
    private readonly CgroupGroup? _cgroup;
    private readonly Task<(string Text, bool Cut)> _errors;
    private Task? _exited;

    private SandboxRun(Process process, CgroupGroup? cgroup, long errorCap)
    {
        _process = process;
        _cgroup = cgroup;
        _errors = ReadCappedAsync(process.StandardError.BaseStream, errorCap);
    }

    public Stream Input => _process.StandardInput.BaseStream;
    public bool HasExited => _process.HasExited;
    public Task Exited => _exited ??= _process.WaitForExitAsync();
    public Stream Output => _process.StandardOutput.BaseStream;

    public static async Task<SandboxRun> StartAsync(KernelContext context, string name, SessionCommand command, long errorCap)
    {
        CgroupGroup? cgroup = context.SessionCgroup?.CreateChild(name, context.Ledger);
        try
        {
            Process process = await context.Spawner.StartAsync(SessionProcessStart.Build(context, cgroup, command)).ConfigureAwait(false);
            return new SandboxRun(process, cgroup, errorCap);
        }
        catch
        {
            if (cgroup is not null)
                await cgroup.RemoveAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Waits for the exit; returns the exit code and stderr (as text, cut at the cap).</summary>
    public async Task<(int ExitCode, string Errors, bool ErrorsCut)> WaitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var (text, cut) = await _errors.ConfigureAwait(false);
        return (_process.ExitCode, text, cut);
    }

    /// <summary>Kills the sandbox: its outer process (the pid namespace dies with it) and everything in its cgroup.</summary>
    public async Task KillAsync()
    {
        KillOuter();
        if (_cgroup is not null)
            await _cgroup.KillAllAsync().ConfigureAwait(false);
    }

    private void KillOuter()
    {
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException) { }   // already gone
    }

    /// <summary>Kills what is left (removing the cgroup kills everything in it first) and removes the cgroup.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            KillOuter();
        await _process.WaitForExitAsync().ConfigureAwait(false);
        if (_cgroup is not null)
            await _cgroup.RemoveAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    /// <summary>Reads a stream to its end, keeping at most <paramref name="cap"/> bytes (the rest is drained).</summary>
    public static async Task<(string Text, bool Cut)> ReadCappedAsync(Stream stream, long cap)
    {
        var kept = new MemoryStream();
        byte[] buffer = new byte[64 * 1024];
        bool cut = false;
        int count;
        try
        {
            while ((count = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                int keep = (int)Math.Min(count, cap - kept.Length);
                kept.Write(buffer, 0, keep);
                cut |= keep < count;
            }
        }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
        return (new UTF8Encoding(false).GetString(kept.GetBuffer(), 0, (int)kept.Length), cut);
    }
}
