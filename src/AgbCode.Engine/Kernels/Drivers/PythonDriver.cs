using AgbCode.Core.Languages;
using AgbCode.Core.Sessions;

namespace AgbCode.Engine.Kernels.Drivers;

/// <summary>
/// Python: IPython's InteractiveShell semantics in the driver process itself (agb_python_kernel.py); the shell is made
/// when a cell first needs it (docs/protocol.md).
/// </summary>
internal sealed class PythonDriver : LanguageDriver
{
    public override string Language => LanguageRules.Python;
    public const string Interpreter = "/usr/bin/python3";
    public override string Executable => Interpreter;
    public override string Package => "python3-ipython python3-matplotlib";
    public override string RuntimeName => "Python";
    public override IReadOnlyList<string> VersionCommand => [Executable, "--version"];

    public override IReadOnlyList<string> Command(string driversDir, SessionLimits limits) =>
        [Executable, "-X", "utf8", Path.Combine(driversDir, "python", "agb_python_driver.py")];

    public override IReadOnlyDictionary<string, string> Environment(string home, string tmp) => new Dictionary<string, string>
    {
        ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline",
        ["IPYTHONDIR"] = Path.Combine(tmp, ".ipython"),
        ["PYTHONIOENCODING"] = "utf-8",
    };

    /// <summary>
    /// Compiles the kernel's modules, and the supervisor's (agb_supervision, agb_protocol: JavaScript, Java and R run
    /// behind it), to byte code next to them, so a kernel does not compile them at every start (about 10 ms of CPU for
    /// the Python kernel). The .pyc files are unchecked-hash ones: a sandbox's copy of the runtime keeps no file times,
    /// and this folder never changes once installed. Without them Python reads the source, as before.
    /// </summary>
    public override void Prepare(string driversDir)
    {
        string folder = Path.Combine(driversDir, "python");
        if (IsInstalled && Directory.Exists(folder))
            Platform.HostCommand.TryRun(Executable, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash",
                folder, Path.Combine(driversDir, "agb_protocol.py"), Path.Combine(driversDir, "agb_supervision.py"));
    }

    public override IReadOnlyList<string> ReadOnlyEtc => ["/etc/matplotlibrc", "/etc/python3", "/etc/python3.11"];
}
