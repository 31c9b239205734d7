using AgbCode.Core.Languages;
using AgbCode.Core.Sessions;

namespace AgbCode.Engine.Kernels.Drivers;

/// <summary>R: top-level expressions evaluated in the global environment, output live, repr for rich values and plots.</summary>
internal sealed class RDriver : LanguageDriver
{
    public override string Language => LanguageRules.R;
    public override string Executable => "/usr/bin/Rscript";
    public override string Package => "r-base-core r-cran-repr r-cran-jsonlite";
    public override string RuntimeName => "R";
    public override IReadOnlyList<string> VersionCommand => [Executable, "--version"];
    public override IReadOnlyList<string> ReadOnlyEtc => ["/etc/R"];

    public override IReadOnlyList<string> Command(string driversDir, SessionLimits limits) =>
        Supervised(driversDir, Executable, "--vanilla", Path.Combine(driversDir, "r", "agb_r_evaluator.R"));

    /// <summary>
    /// Byte-compiles the evaluator's parts into .Rc files next to them, which the evaluator loads instead of the source:
    /// every run then executes compiled code from the first one (R would otherwise only compile them while the kernel
    /// is idle, which back-to-back runs never leave it). Without them the evaluator reads the source, as before.
    /// </summary>
    public override void Prepare(string driversDir)
    {
        string folder = Path.Combine(driversDir, "r");
        if (!IsInstalled || !Directory.Exists(folder))
            return;
        string[] parts = [.. Directory.GetFiles(folder, "agb_r_*.R").Where(p => !p.EndsWith("agb_r_evaluator.R", StringComparison.Ordinal))];
        var (exitCode, _) = Platform.HostCommand.TryRun(Executable,
            ["--vanilla", "-e", "for (p in commandArgs(TRUE)) compiler::cmpfile(p, sub('[.]R$', '.Rc', p), verbose = FALSE)",
             .. parts]);
        if (exitCode != 0)
            foreach (string part in parts)
                File.Delete(Path.ChangeExtension(part, ".Rc"));
    }

    // Without TZ, Sys.timezone() asks timedatectl, which the sandbox does not have.
    public override IReadOnlyDictionary<string, string> Environment(string home, string tmp) => new Dictionary<string, string>
    {
        ["TZ"] = HostTimeZone.Value,
        ["XDG_CACHE_HOME"] = Path.Combine(tmp, ".cache"),
    };

    private static readonly Lazy<string> HostTimeZone = new(() =>
        File.Exists("/etc/timezone") && File.ReadAllText("/etc/timezone").Trim() is { Length: > 0 } zone ? zone : "UTC");
}
