using AgbCode.Engine.Host;
using AgbCode.Engine.Sandbox;

namespace AgbCode.Engine.Kernels.Drivers;

/// <summary>
/// The Java evaluator's class-data archive (AppCDS): the classes JShell and javac load while the kernel starts and warms
/// up, recorded once when the engine installs its runtime folder and mapped read-only by every Java kernel, so a start
/// parses and verifies far fewer classes.
/// </summary>
/// <remarks>
/// The JVM checks the archive against itself at every start (its own build, its base archive, the evaluator jar's path,
/// size and time) and, on any mismatch — a JDK update, a kernel started outside the sandbox, where the jar has another
/// path — ignores it silently (its cds logging is off, since it would write to the user's stdout); Java then starts as
/// it would without one. The next engine version records a new archive.
/// </remarks>
internal static class JavaClassData
{
    public const string FileName = "agb-kernel.jsa";

    /// <summary>The JVM options that use the archive in <paramref name="javaDir"/> (the sandbox's view of it) when it matches.</summary>
    public static IReadOnlyList<string> Options(string javaDir) =>
        ["-Xshare:auto", "-Xlog:cds*=off", $"-XX:SharedArchiveFile={Path.Combine(javaDir, FileName)}"];

    /// <summary>
    /// Records the archive: the kernel started with <see cref="JavaDriver.WarmUpOnly"/> in a mount namespace where the
    /// drivers folder is at the path sandboxes see it at, since the archive holds the jar's path. Without it Java
    /// still works, only starts slower: a failure leaves no archive and a note.
    /// </summary>
    public static void Record(string driversDir, IReadOnlyList<string> jvmOptions, string classPath, string mainClass)
    {
        string archive = Path.Combine(driversDir, "java", FileName);
        string? bwrap = HostCommand.Find("/usr/bin/bwrap");
        if (bwrap is null)
            return;
        var (exitCode, output) = HostCommand.TryRun(bwrap,
        [
            "--dev-bind", "/", "/", "--tmpfs", "/opt", "--ro-bind", driversDir, SandboxLauncher.DriversMount, "--",
            "/usr/bin/java", .. jvmOptions, "-Xlog:cds*=off", $"-XX:ArchiveClassesAtExit={archive}",
            "-cp", classPath, mainClass, JavaDriver.WarmUpOnly,
        ]);
        if (exitCode != 0 || !File.Exists(archive))
        {
            File.Delete(archive);
            File.WriteAllText(Path.Combine(driversDir, "java", "class-data-not-recorded.txt"),
                $"Java starts without a class-data archive (exit code {exitCode}): {output.Trim()}");
        }
    }
}
