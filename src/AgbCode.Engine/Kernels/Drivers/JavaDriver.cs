using System.Globalization;
using AgbCode.Core.Languages;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Host;
using AgbCode.Engine.Images;
using AgbCode.Engine.Sandbox;

namespace AgbCode.Engine.Kernels.Drivers;

/// <summary>
/// Java: the JShell API with the evaluator's own execution engine (agb.JavaKernel), compiled once per engine version.
/// The JVM cannot see the sandbox's cgroup, so it is told the session's memory and CPU. It runs with full tiered
/// compilation: C1 alone starts a little cheaper but leaves hot loops (and javac itself) at a fraction of their speed.
/// </summary>
internal sealed class JavaDriver : LanguageDriver
{
    private const string Javac = "/usr/bin/javac";
    private const string Jar = "/usr/bin/jar";
    private const string MainClass = "agb.JavaKernel";
    private const string EvaluatorJar = "agb-kernel.jar";
    /// <summary>The kernel's argument for a start that only warms up and exits (agb.JavaKernel.WARM_UP_ONLY).</summary>
    public const string WarmUpOnly = "--warm-up-only";
    private static readonly string[] JvmOptions =
        ["-XX:+UseSerialGC", "-XX:-UsePerfData", "-Djava.security.manager=allow", "-Djava.awt.headless=true"];

    public override string Language => LanguageRules.Java;
    public override string Executable => "/usr/bin/java";
    public override string Package => "openjdk-17-jdk-headless (the JDK: jdk.jshell and javac)";
    public override string RuntimeName => "OpenJDK";
    public override IReadOnlyList<string> VersionCommand => [Executable, "-version"];
    public override IReadOnlyList<string> ReadOnlyEtc => ["/etc/java-17-openjdk", "/etc/ssl/certs/java"];

    public override IReadOnlyList<string> Command(string driversDir, SessionLimits limits) => Command(driversDir, limits, null);

    // JShell adds the JVM's class path to its own, so the image's jars reach snippets through -cp.
    public override IReadOnlyList<string> Command(string driversDir, SessionLimits limits, string? imageDir) =>
        Supervised(driversDir,
            [
                Executable, $"-XX:MaxRAM={limits.MemoryBytes}", "-XX:MaxRAMPercentage=50", "-XX:MinRAMPercentage=50",
                $"-XX:ActiveProcessorCount={Math.Max(1, (int)Math.Ceiling(limits.CpuCores)).ToString(CultureInfo.InvariantCulture)}",
                .. JvmOptions, .. JavaClassData.Options(Path.Combine(driversDir, "java")),
                "-cp", ClassPath(driversDir, imageDir), MainClass,
            ]);

    // The evaluator's jar comes first: the class-data archive only matches a class path that starts as it did.
    private static string ClassPath(string driversDir, string? imageDir)
    {
        string evaluator = EvaluatorJarPath(driversDir);
        return imageDir is null ? evaluator : $"{evaluator}:{CodeImage.JavaClassPath(imageDir)}";
    }

    private static string EvaluatorJarPath(string driversDir) => Path.Combine(driversDir, "java", EvaluatorJar);

    /// <summary>
    /// Compiles the evaluator into drivers/java/agb-kernel.jar and records its class-data archive; without a JDK,
    /// Java stays unavailable.
    /// </summary>
    public override void Prepare(string driversDir)
    {
        string sources = Path.Combine(driversDir, "java");
        if (!File.Exists(Javac) || !Directory.Exists(sources))
            return;
        string classes = Path.Combine(sources, "classes");
        HostCommand.Run(Javac, ["-d", classes, "-encoding", "UTF-8", .. Directory.GetFiles(sources, "*.java").Order(StringComparer.Ordinal)]);
        HostCommand.Run(Jar, ["--create", "--file", EvaluatorJarPath(driversDir), "-C", classes, "."]);
        Directory.Delete(classes, recursive: true);
        JavaClassData.Record(driversDir, JvmOptions, EvaluatorJarPath(SandboxLauncher.DriversMount), MainClass);
    }

    public override bool IsPrepared(string driversDir) => File.Exists(EvaluatorJarPath(driversDir));
}
