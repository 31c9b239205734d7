using AgbCode.Core.Languages;
using AgbCode.Core.Sessions;

namespace AgbCode.Engine.Kernels.Drivers;

/// <summary>How to start one language's driver: its interpreter, arguments, environment and the /etc it needs.</summary>
internal abstract class LanguageDriver
{
    public abstract string Language { get; }
    /// <summary>The host program the driver runs on; missing means the language is not available.</summary>
    public abstract string Executable { get; }
    /// <summary>The package that provides it, for the "runtime missing" message.</summary>
    public abstract string Package { get; }

    /// <summary>The driver's argv; <paramref name="driversDir"/> is where the drivers folder is visible to it.</summary>
    public abstract IReadOnlyList<string> Command(string driversDir, SessionLimits limits);

    /// <summary>The argv for an image with an extra folder at <paramref name="imageDir"/> (null: none) as the driver sees it.</summary>
    public virtual IReadOnlyList<string> Command(string driversDir, SessionLimits limits, string? imageDir) => Command(driversDir, limits);

    public virtual IReadOnlyDictionary<string, string> Environment(string home, string tmp) => new Dictionary<string, string>();

    public virtual IReadOnlyList<string> ReadOnlyEtc => [];

    /// <summary>One-time work on the runtime folder when an engine version installs it (e.g. compiling an evaluator).</summary>
    public virtual void Prepare(string driversDir) { }

    /// <summary>
    /// Work on an installed runtime folder at each engine start, for what <see cref="Prepare"/> made from the host's
    /// runtime and must make again when that changes (e.g. a JDK update). Cheap when nothing changed; true when it wrote.
    /// </summary>
    public virtual bool Refresh(string driversDir) => false;

    /// <summary>
    /// What <see cref="Prepare"/> makes, in words: part of the runtime folder's version, so that a build whose Prepare
    /// makes something new installs a new folder even when the drivers' files did not change. Change it with Prepare.
    /// </summary>
    public virtual string PreparedFiles => "";

    /// <summary>Whether <see cref="Prepare"/> left what the driver needs in the runtime folder.</summary>
    public virtual bool IsPrepared(string driversDir) => true;

    /// <summary>Why this language cannot run here, with what to do about it; null when it can.</summary>
    public string? Unavailability(string? driversDir)
    {
        if (!IsInstalled)
            return $"{Executable} is not installed: install {Package} (./build.ps1 -Task Bootstrap does it)";
        if (driversDir is not null && !IsPrepared(driversDir))
        {
            string log = Path.Combine(driversDir, $"{Language}.prepare-failed.txt");
            return $"its evaluator could not be prepared{(File.Exists(log) ? ": " + File.ReadAllText(log).Trim() : "")}; check the JDK/runtime installation";
        }
        return null;
    }

    /// <summary>
    /// Whether a runtime that died on its own (not by the cgroup's OOM killer) says it ran out of memory, e.g. V8
    /// aborting at its heap limit.
    /// </summary>
    public virtual bool DiedOfMemory(string stderrTail) => false;

    /// <summary>Seconds a cold start may take before the engine gives up on it.</summary>
    public virtual TimeSpan StartTimeout => TimeSpan.FromSeconds(60);

    public bool IsInstalled => File.Exists(Executable);

    /// <summary>The command that prints the runtime's version (to stdout or stderr).</summary>
    public abstract IReadOnlyList<string> VersionCommand { get; }

    /// <summary>What the runtime is called in listings, e.g. "Node.js" (its version follows).</summary>
    public abstract string RuntimeName { get; }

    /// <summary>The runtime's name and version, e.g. "Python 3.11.2"; null when it is not installed or says nothing.</summary>
    public string? DetectRuntime()
    {
        if (!IsInstalled)
            return null;
        var (exitCode, output) = Platform.HostCommand.TryRun(VersionCommand[0], [.. VersionCommand.Skip(1)]);
        System.Text.RegularExpressions.Match version = System.Text.RegularExpressions.Regex.Match(output, @"\d+\.\d+(\.\d+)?");
        return exitCode == 0 && version.Success ? $"{RuntimeName} {version.Value}" : null;
    }

    private static readonly Dictionary<string, LanguageDriver> Drivers = new LanguageDriver[]
    {
        new PythonDriver(),
        new JavaScriptDriver(),
        new JavaDriver(),
        new RDriver(),
    }.ToDictionary(d => d.Language);

    /// <summary>
    /// The argv of a language that runs behind agb_supervisor.py, which speaks the engine protocol for the evaluator
    /// (docs/protocol.md). It needs only the standard library, so Python starts it without site (-S): no site-packages
    /// scan and none of their .pth files run at every kernel start.
    /// </summary>
    protected static IReadOnlyList<string> Supervised(string driversDir, params string[] evaluator) =>
        [PythonDriver.Interpreter, "-S", "-X", "utf8", Path.Combine(driversDir, "agb_supervisor.py"), .. evaluator];

    /// <summary>A heap cap for runtimes that cannot see the sandbox's cgroup: three quarters of the session's memory.</summary>
    protected static long HeapMiB(SessionLimits limits) => limits.MemoryBytes * 3 / 4 / SessionLimits.MiB;

    /// <summary>The driver for a canonical language name, or null when this engine has none yet.</summary>
    public static LanguageDriver? For(string language) => Drivers.GetValueOrDefault(language);

    public static IReadOnlyCollection<LanguageDriver> All => Drivers.Values;
}
