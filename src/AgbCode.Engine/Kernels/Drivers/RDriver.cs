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

    // Without TZ, Sys.timezone() asks timedatectl, which the sandbox does not have.
    public override IReadOnlyDictionary<string, string> Environment(string home, string tmp) => new Dictionary<string, string>
    {
        ["TZ"] = HostTimeZone.Value,
        ["XDG_CACHE_HOME"] = Path.Combine(tmp, ".cache"),
    };

    private static readonly Lazy<string> HostTimeZone = new(() =>
        File.Exists("/etc/timezone") && File.ReadAllText("/etc/timezone").Trim() is { Length: > 0 } zone ? zone : "UTC");
}
