using System.Globalization;
using AgbCode.Core.Languages;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Platform;
using AgbCode.Engine.Images;

namespace AgbCode.Engine.Kernels.Drivers;

/// <summary>
/// Java: the JShell API with the evaluator's own execution engine (agb.JavaKernel), compiled once per engine version.
/// The JVM cannot see the sandbox's cgroup, so it is told the session's memory and CPU.
/// </summary>
internal sealed class JavaDriver : LanguageDriver
{
    private const string Javac = "/usr/bin/javac";
    private const string ShareAuto = "-Xshare:auto";
    private const string SharedArchiveOption = "-XX:SharedArchiveFile=";

    public override string Language => LanguageRules.Java;
    public override string Executable => "/usr/bin/java";
    public override string Package => "openjdk-17-jdk-headless (the JDK: jdk.jshell and javac)";
    public override string RuntimeName => "OpenJDK";
    public override IReadOnlyList<string> VersionCommand => [Executable, "-version"];
    public override IReadOnlyList<string> ReadOnlyEtc => ["/etc/java-17-openjdk", "/etc/ssl/certs/java"];

    public override IReadOnlyList<string> Command(string driversDir, SessionLimits limits) => Command(driversDir, limits, null);

    // JShell adds the JVM's class path to its own, so the image's jars reach snippets through -cp.
    // JIT: C1 only. C2 compiling javac doubled the CPU of the first hundreds of runs; C2 for the user's snippets alone
    // (compiler directives) still cost javac its profiled code until the directive turned it away (docs/benchmarks.md).
    // --add-opens: DroppedSnippets forgets what JShell keeps of dropped snippets and SymbolTables prunes javac's tables in
    // JShell's pooled contexts (else each cell made the later ones slower); UnindexedAnalysis keeps JShell's completion
    // indexer suspended.
    public override IReadOnlyList<string> Command(string driversDir, SessionLimits limits, string? imageDir) =>
        Supervised(driversDir, Executable,
            $"-XX:MaxRAM={limits.MemoryBytes}", "-XX:MaxRAMPercentage=50", "-XX:MinRAMPercentage=50",
            $"-XX:ActiveProcessorCount={Math.Max(1, (int)Math.Ceiling(limits.CpuCores)).ToString(CultureInfo.InvariantCulture)}",
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
            "--add-opens", "jdk.jshell/jdk.jshell=ALL-UNNAMED", "--add-opens", "jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
            "--add-opens", "jdk.compiler/com.sun.tools.javac.code=ALL-UNNAMED", "--add-opens", "jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
            "-Djava.security.manager=allow", "-Djava.awt.headless=true",
            // Class-data sharing: the JDK classes a kernel start loads, archived at install (JavaClassArchive). A missing,
            // stale or foreign archive is ignored (-Xshare:auto): the kernel then starts without it, slower, and the JVM's
            // word about it (cds logging) stays out of the user's output.
            ShareAuto, "-Xlog:cds*=off", $"{SharedArchiveOption}{JavaClassArchive.PathIn(driversDir)}",
            "-cp", ClassPath(driversDir, imageDir), "agb.JavaKernel");

    private static string ClassPath(string driversDir, string? imageDir)
    {
        string evaluator = Path.Combine(driversDir, "java", "classes");
        return imageDir is null ? evaluator : $"{evaluator}:{CodeImage.JavaClassPath(imageDir)}";
    }

    /// <summary>
    /// Compiles the evaluator into drivers/java/classes (without a JDK, Java stays unavailable), then makes the kernel's
    /// class-data archive; when that fails the kernel starts without it and the reason is kept beside it.
    /// </summary>
    public override void Prepare(string driversDir)
    {
        string sources = Path.Combine(driversDir, "java");
        if (!File.Exists(Javac) || !Directory.Exists(sources))
            return;
        string classes = Path.Combine(sources, "classes");
        HostCommand.Run(Javac, ["-d", classes, "-encoding", "UTF-8", .. Directory.GetFiles(sources, "*.java").Order(StringComparer.Ordinal)]);
        MakeArchive(driversDir);
    }

    /// <summary>A JDK update since the archive was made leaves it unusable (the JVM ignores it): it is made again.</summary>
    public override bool Refresh(string driversDir)
    {
        if (!IsInstalled || !IsPrepared(driversDir) || JavaClassArchive.IsCurrent(driversDir, Executable))
            return false;
        MakeArchive(driversDir);
        return true;
    }

    private void MakeArchive(string driversDir)
    {
        string note = Path.Combine(driversDir, "java", ArchiveSkippedNote);
        string? failure = JavaClassArchive.TryMake(driversDir, KernelWithoutArchive(driversDir));
        if (failure is not null)
            File.WriteAllText(note, failure);
        else
            File.Delete(note);
    }

    public override string PreparedFiles => "the evaluator's classes; the kernel's class-data archive";

    /// <summary>Why the class-data archive was not made at install, when it was not (the kernel works without it).</summary>
    public const string ArchiveSkippedNote = "kernel.jsa-not-made.txt";

    /// <summary>The kernel's JVM command (no supervisor) with the session defaults and without the class-data options.</summary>
    private IReadOnlyList<string> KernelWithoutArchive(string driversDir) =>
        [.. Command(driversDir, SessionLimits.Default).SkipWhile(argument => argument != Executable)
            .Where(argument => argument != ShareAuto && !argument.StartsWith(SharedArchiveOption, StringComparison.Ordinal))];

    public override bool IsPrepared(string driversDir) =>
        File.Exists(Path.Combine(driversDir, "java", "classes", "agb", "JavaKernel.class"));
}
