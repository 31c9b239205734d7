using AgbCode.Engine.Platform;
using AgbCode.Engine.Sandbox;

namespace AgbCode.Engine.Kernels.Drivers;

/// <summary>
/// R's binary (R_HOME/bin/exec/R) and the variables R's front-end script (R_HOME/bin/R, which Rscript runs) gives it,
/// captured at install so that a kernel starts the binary directly: the script is a bash that runs uname, sed and
/// its ldpaths at every start (about 13 ms of CPU per kernel, docs/benchmarks.md "Issue 18 — R start, second pass").
/// </summary>
internal sealed record RFrontEnd(string Binary, IReadOnlyDictionary<string, string> Variables)
{
    /// <summary>Where the capture is kept, in the drivers' r folder.</summary>
    public const string FileName = "agb_r_front_end.env";

    /// <summary>R's options as Rscript passes them to the front end before the script's name (--file=).</summary>
    public static readonly string[] Options = ["--no-echo", "--no-restore", "--vanilla"];

    /// <summary>What R sets for itself at every start (R_SESSION_TMPDIR) and what bash sets for any script (PWD, SHLVL).</summary>
    private static readonly HashSet<string> NotTheFrontEnds = ["R_SESSION_TMPDIR", "PWD", "SHLVL", "_"];

    /// <summary>
    /// The front end's variables it takes from its caller when set there (R_ARCH), or adds to (LD_LIBRARY_PATH, R's
    /// libraries before the caller's; with a session's own, the session's alone: R's libraries are in the loader's cache).
    /// The others it sets whatever the caller had.
    /// </summary>
    public static readonly HashSet<string> KeptFromCaller = ["R_ARCH", "LD_LIBRARY_PATH"];

    /// <summary>The variables the front end sets whatever the caller had (R_HOME, R_SHARE_DIR, --vanilla's R_PROFILE ...).</summary>
    public IEnumerable<KeyValuePair<string, string>> Imposed => Variables.Where(variable => !KeptFromCaller.Contains(variable.Key));

    /// <summary>The variables a caller's own replace (<see cref="KeptFromCaller"/>).</summary>
    public IEnumerable<KeyValuePair<string, string>> Kept => Variables.Where(variable => KeptFromCaller.Contains(variable.Key));

    private const string PrintEnvironment =
        "e <- Sys.getenv(); e <- e[!grepl('\\n', e, fixed = TRUE)]; writeLines(paste0(names(e), '=', e))";

    /// <summary>
    /// Runs R through Rscript and directly, both from the environment every session starts with, and keeps what only the
    /// first one sees (plus R_HOME, which the binary needs). Null, and no file, when either fails: kernels then start
    /// through Rscript.
    /// </summary>
    public static RFrontEnd? Capture(string rscript, string folder)
    {
        string file = Path.Combine(folder, FileName);
        File.Delete(file);
        DirectoryInfo home = Directory.CreateTempSubdirectory("agb-r-front-end-");
        try
        {
            if (Printed(home.FullName, [rscript, "--vanilla", "-e", PrintEnvironment]) is not { } throughScript
                || !throughScript.TryGetValue("R_HOME", out string? rHome))
                return null;
            string binary = $"{rHome}/bin/exec{throughScript.GetValueOrDefault("R_ARCH")}/R";
            if (Printed(home.FullName, [$"R_HOME={rHome}", binary, .. Options, "-e", PrintEnvironment]) is not { } direct)
                return null;
            var variables = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["R_HOME"] = rHome };
            foreach (var (name, value) in throughScript)
                if (!NotTheFrontEnds.Contains(name) && direct.GetValueOrDefault(name) != value)
                    variables[name] = value;
            File.WriteAllLines(file, variables.Select(variable => $"{variable.Key}={variable.Value}"));
            return new RFrontEnd(binary, variables);
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }

    /// <summary>The capture <see cref="Capture"/> kept in <paramref name="folder"/>, or null when there is none.</summary>
    public static RFrontEnd? Read(string folder)
    {
        string file = Path.Combine(folder, FileName);
        if (!File.Exists(file))
            return null;
        Dictionary<string, string> variables = Parse(File.ReadAllText(file));
        return variables.TryGetValue("R_HOME", out string? rHome)
            ? new RFrontEnd($"{rHome}/bin/exec{variables.GetValueOrDefault("R_ARCH")}/R", variables)
            : null;
    }

    /// <summary>Whether the capture in <paramref name="folder"/> is newer than the front-end script it was taken from (an R update replaces it).</summary>
    public bool IsCurrent(string folder) =>
        File.GetLastWriteTimeUtc(Path.Combine(folder, FileName)) >= File.GetLastWriteTimeUtc(Path.Combine(Variables["R_HOME"], "bin", "R"));

    private static Dictionary<string, string>? Printed(string home, string[] command)
    {
        string[] environment = [.. SandboxEnvironment.Plain(home).Select(variable => $"{variable.Key}={variable.Value}")];
        try
        {
            var (exitCode, output) = HostCommand.TryRun("/usr/bin/env", ["-i", .. environment, .. command]);
            return exitCode == 0 ? Parse(output) : null;
        }
        catch (IOException)   // it overran the host command timeout: no capture, kernels start through Rscript
        {
            return null;
        }
    }

    private static Dictionary<string, string> Parse(string lines) =>
        lines.Split('\n').Select(line => line.Split('=', 2)).Where(pair => pair.Length == 2 && pair[0].Length > 0)
            .GroupBy(pair => pair[0]).ToDictionary(group => group.Key, group => group.Last()[1], StringComparer.Ordinal);
}
