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

    /// <summary>R's binary and its front end's variables when the install captured them (<see cref="RFrontEnd"/>).</summary>
    private volatile RFrontEnd? _frontEnd;

    /// <summary>
    /// R's binary with the arguments and the variables Rscript's front end would give it, so the evaluator sees the same
    /// commandArgs() and Sys.getenv(); Rscript itself when the install could not capture them. The variables the front end
    /// sets whatever the caller had go through env(1), after a session's own as there; those it keeps from the caller
    /// (<see cref="RFrontEnd.KeptFromCaller"/>) are in <see cref="Environment"/>, under a session's own.
    /// </summary>
    public override IReadOnlyList<string> Command(string driversDir, SessionLimits limits)
    {
        string evaluator = Path.Combine(driversDir, "r", "agb_r_evaluator.R");
        return _frontEnd is { } frontEnd
            ? Supervised(driversDir, ["/usr/bin/env", .. frontEnd.Imposed.Select(variable => $"{variable.Key}={variable.Value}"),
                frontEnd.Binary, .. RFrontEnd.Options, "--file=" + evaluator])
            : Supervised(driversDir, Executable, "--vanilla", evaluator);
    }

    /// <summary>
    /// Captures R's front end (<see cref="RFrontEnd"/>), then byte-compiles the evaluator's parts into .Rc files next to them, which the evaluator loads instead of the source:
    /// every run then executes compiled code from the first one (R would otherwise only compile them while the kernel
    /// is idle, which back-to-back runs never leave it). Without them the evaluator reads the source, as before.
    /// </summary>
    public override void Prepare(string driversDir)
    {
        string folder = Path.Combine(driversDir, "r");
        if (!IsInstalled || !Directory.Exists(folder))
            return;
        _frontEnd = RFrontEnd.Capture(Executable, folder);
        CompileParts(folder);
    }

    /// <summary>
    /// Byte code is R's own, so each R compiles its own; after a failed compile the parts are read as source. Each file
    /// is written beside its place and renamed into it: a kernel starting meanwhile (another engine) reads a whole one.
    /// </summary>
    private void CompileParts(string folder)
    {
        string[] parts = [.. Directory.GetFiles(folder, "agb_r_*.R").Where(p => !p.EndsWith("agb_r_evaluator.R", StringComparison.Ordinal))];
        var (exitCode, _) = Platform.HostCommand.TryRun(Executable,
            ["--vanilla", "-e", "for (p in commandArgs(TRUE)) { made <- paste0(p, '.', Sys.getpid()); " +
                "compiler::cmpfile(p, made, verbose = FALSE); stopifnot(file.rename(made, sub('[.]R$', '.Rc', p))) }",
             .. parts]);
        if (exitCode != 0)
            foreach (string part in parts)
                File.Delete(Path.ChangeExtension(part, ".Rc"));
    }

    /// <summary>
    /// Takes up the front end this install captured; when R was updated since, captures it again and compiles the
    /// evaluator's parts again with that R.
    /// </summary>
    public override bool Refresh(string driversDir)
    {
        string folder = Path.Combine(driversDir, "r");
        if (!IsInstalled || !Directory.Exists(folder))
            return false;
        RFrontEnd? kept = RFrontEnd.Read(folder);
        if (kept is not null && kept.IsCurrent(folder))
        {
            _frontEnd = kept;
            return false;
        }
        _frontEnd = RFrontEnd.Capture(Executable, folder);
        CompileParts(folder);
        return true;
    }

    public override string PreparedFiles => "the evaluator's parts as byte code; the environment of R's front end";

    public override IReadOnlyDictionary<string, string> Environment(string home, string tmp)
    {
        var environment = new Dictionary<string, string>
        {
            ["TZ"] = HostTimeZone.Value,   // without it, Sys.timezone() asks timedatectl, which the sandbox does not have
            ["XDG_CACHE_HOME"] = Path.Combine(tmp, ".cache"),
        };
        if (_frontEnd is { } frontEnd)
        {
            foreach (var (name, value) in frontEnd.Kept)
                environment[name] = value;
            // what the front end's bash set: its working folder (the kernel's) and the level of a shell that exec'd
            environment["PWD"] = home;
            environment["SHLVL"] = "0";
        }
        return environment;
    }

    private static readonly Lazy<string> HostTimeZone = new(() =>
        File.Exists("/etc/timezone") && File.ReadAllText("/etc/timezone").Trim() is { Length: > 0 } zone ? zone : "UTC");
}
