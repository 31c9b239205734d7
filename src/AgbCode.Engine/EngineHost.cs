using AgbCode.Engine.Platform;
using System.Diagnostics;
using System.Security.Cryptography;
using AgbCode.Core.Errors;
using AgbCode.Engine.Sandbox;
using AgbCode.Engine.Sandbox.Cgroups;

namespace AgbCode.Engine;

/// <summary>
/// This process's share of the host: its engine id and ledger, the guardian that cleans up if the process dies, the
/// spawner thread, session slots and uids, cgroups, and the runtime files. One per process, created on first use;
/// creating it first removes whatever engines that died on this host left behind.
/// </summary>
internal sealed class EngineHost : IDisposable
{
    private static readonly object SharedGate = new();
    private static EngineHost? _shared;
    private readonly FileLock _engineLock;
    private readonly Process? _guardian;
    private readonly Workspace? _runtimeViewMount;
    private readonly Lazy<SandboxSupport> _sandbox = new(SandboxSupport.Probe);
    private int _disposed;

    /// <summary>The process's engine host; a failure to create it (say, a full disk) is not remembered: the next use retries.</summary>
    public static EngineHost Shared
    {
        get
        {
            lock (SharedGate)
                return _shared ??= new EngineHost();
        }
    }

    public static bool IsCreated => Volatile.Read(ref _shared) is not null;

    private EngineHost()
    {
        Root = StateRoot.Resolve();
        EngineId = $"{Environment.MachineName}-{Environment.ProcessId}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant()}";
        Runtime = RuntimeFiles.Install(Root, withSeccomp: SeccompFilter.IsAvailable);
        new Sweeper(Root, Runtime).SweepDeadEngines();
        _engineLock = FileLock.Acquire(Path.Combine(Root.EnginesDir, EngineId + ".lock"));
        Ledger = new EngineLedger(Path.Combine(Root.EnginesDir, EngineId + ".ledger"));
        Ledger.Add(LedgerEntry.Runtime, Runtime.Path);
        _guardian = StartGuardian();
        Uids = UidPolicy.For(Root);
        Slots = new SlotAllocator(Root, EngineId, Uids);
        string reason;
        Cgroups = Root.IsRoot ? CgroupTree.Detect(out reason) : CgroupDelegation.Detect(out reason);
        CgroupProblem = reason;
        Spawner = new Spawner();
        if (Root.IsRoot)
            (_runtimeViewMount, RuntimeView) = Workspace.CreateRuntimeViewAsync(Root, Ledger, Runtime).GetAwaiter().GetResult();
    }

    public StateRoot Root { get; }
    public string EngineId { get; }
    public RuntimeFiles Runtime { get; }
    /// <summary>Root engines: the runtime as sandboxes bind it, from a tmpfs of the engine's own (<see cref="Workspace.CreateRuntimeViewAsync"/>).</summary>
    public RuntimeFiles? RuntimeView { get; }
    public EngineLedger Ledger { get; }
    public UidPolicy Uids { get; }
    public SlotAllocator Slots { get; }
    public CgroupTree? Cgroups { get; }
    /// <summary>Why sessions get no cgroup limits, when <see cref="Cgroups"/> is null.</summary>
    public string CgroupProblem { get; }
    public Spawner Spawner { get; }

    /// <summary>The host's sandbox support; throws the platform error (with its fix) when there is none.</summary>
    public SandboxSupport Sandbox
    {
        get
        {
            try
            {
                return _sandbox.Value;
            }
            catch (AgbException)
            {
                throw;
            }
            catch (Exception failure)
            {
                throw new AgbException(AgbErrorKind.Platform, SessionErrors.SandboxUnavailable, $"The sandbox could not be checked: {failure.Message}",
                    "Run ./build.ps1 -Task Bootstrap to install bubblewrap and util-linux.", failure);
            }
        }
    }

    public SandboxLauncher Launcher => new(Runtime, RuntimeView, Sandbox.DisableUserns);

    /// <summary>
    /// The guardian is a bash process in its own session, holding the read end of a pipe whose write end only this
    /// process has. When this process dies, even by SIGKILL, the pipe closes and the guardian reaps the ledger.
    /// </summary>
    private Process StartGuardian()
    {
        var info = new ProcessStartInfo(Tools.Setsid) { RedirectStandardInput = true, UseShellExecute = false, WorkingDirectory = "/" };
        info.Environment.Clear();
        foreach (string argument in new[] { Tools.Bash, Runtime.ReapScript, "wait", Root.Path, EngineId })
            info.ArgumentList.Add(argument);
        return Process.Start(info)!;
    }

    /// <summary>Called after every session is gone: the ledger is then empty, so the guardian only removes the files.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _runtimeViewMount?.RemoveAsync().GetAwaiter().GetResult();
        Ledger.Dispose();
        try
        {
            _guardian?.StandardInput.Close();
            _guardian?.WaitForExit(5000);
        }
        catch (InvalidOperationException) { }
        _engineLock.Dispose();
    }
}
