using System.Diagnostics;
using AgbCode.Engine.Kernels.Drivers;
using AgbCode.Engine.Native;
using AgbCode.Engine.Sandbox;
using AgbCode.Engine.Sandbox.Cgroups;

namespace AgbCode.Engine.Kernels;

/// <summary>
/// A driver process started by the session's launcher, in a cgroup of its own under the session's: its pipes, its
/// diagnostics (stderr) tail, its signals, and why it ended.
/// </summary>
internal sealed class KernelProcess : IKernelProcess
{
    private static readonly TimeSpan DiagnosticsDrain = TimeSpan.FromSeconds(2);
    private readonly KernelContext _context;
    private readonly Process _process;
    private readonly int _pid;   // kept: the Process object is disposed once the exit is handled
    private readonly CgroupGroup? _cgroup;
    private readonly long _oomBaseline;
    private readonly DiagnosticTail _diagnostics;
    private IReadOnlySet<int> _own = new HashSet<int>();

    private KernelProcess(KernelContext context, Process process, CgroupGroup? cgroup)
    {
        _context = context;
        _process = process;
        _pid = process.Id;
        _cgroup = cgroup;
        _oomBaseline = cgroup?.OomKills ?? 0;
        _diagnostics = new DiagnosticTail(process.StandardError.BaseStream);
    }

    public static async Task<IKernelProcess> StartAsync(KernelContext context, LanguageDriver driver, int generation)
    {
        CgroupGroup? cgroup = context.SessionCgroup?.CreateChild($"{driver.Language}-{generation}", context.Ledger);
        try
        {
            Process process = await context.Spawner.StartAsync(SessionProcessStart.Build(context, cgroup, Command(context, driver))).ConfigureAwait(false);
            return new KernelProcess(context, process, cgroup);
        }
        catch
        {
            cgroup?.Remove();
            throw;
        }
    }

    private static SessionCommand Command(KernelContext context, LanguageDriver driver) => new()
    {
        Command = (driversDir, image) => driver.Command(driversDir, context.Limits, image),
        Environment = (home, tmp) => WithSessionEnvironment(driver.Environment(home, tmp), context.Environment),
        ReadOnlyEtc = driver.ReadOnlyEtc,
        Networked = true,
    };

    /// <summary>The driver's environment with the session's own variables (New-AgbSession -Environment) over it.</summary>
    private static Dictionary<string, string> WithSessionEnvironment(IReadOnlyDictionary<string, string> driver, IReadOnlyDictionary<string, string> session)
    {
        var environment = new Dictionary<string, string>(driver);
        foreach (var (name, value) in session)
            environment[name] = value;
        return environment;
    }

    public Stream Requests => _process.StandardInput.BaseStream;
    public Stream Messages => _process.StandardOutput.BaseStream;

    public void Interrupt()
    {
        if (_context.Launcher.DriverPid(_pid, _context) is int driver)
            Libc.Signal(driver, Libc.SIGINT);
    }

    /// <summary>Kills the sandbox: its outer process (the pid namespace dies with it) and everything in its cgroup.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException) { }   // already gone
        _cgroup?.KillAll();
    }

    public void AdoptCurrentProcesses() => _own = SandboxProcesses.Descendants(_pid);

    public int? EndStrays()
    {
        var ended = new HashSet<int>();
        for (int round = 0; round < 200; round++)
        {
            int[] strays = [.. SandboxProcesses.Descendants(_pid).Where(pid => !_own.Contains(pid) && !SandboxProcesses.IsZombie(pid))];
            if (strays.Length == 0)
                return ended.Count;
            foreach (int pid in strays)
            {
                Libc.Signal(pid, Libc.SIGKILL);
                ended.Add(pid);
            }
            Thread.Sleep(5);
        }
        return null;
    }

    public async Task<KernelExit> ExitAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        await _diagnostics.Completion.WaitAsync(DiagnosticsDrain).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        long oomKills = (_cgroup?.OomKills ?? 0) - _oomBaseline;
        return new KernelExit(_process.ExitCode, _diagnostics.Text, oomKills > 0);
    }

    public void Dispose()
    {
        _cgroup?.Remove();
        _process.Dispose();
    }
}
