using System.Text.Json;
using System.Text.Json.Nodes;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Kernels.Drivers;
using AgbCode.Engine.Platform;
using AgbCode.Engine.Sandbox;
using AgbCode.Tests.Shared;

namespace AgbCode.Engine.Tests;

/// <summary>
/// The Java kernel's class-data sharing archive (JavaClassArchive), made by the driver's real Prepare in a folder of its
/// own; kernels run outside a sandbox with the driver's JVM command: the archive is used (javac's classes come from
/// it), gives the same results as no archive, and a missing, foreign or mismatched one is ignored without a word.
/// </summary>
public sealed class JavaClassArchiveTests(JavaClassArchiveTests.PreparedDrivers drivers) : IClassFixture<JavaClassArchiveTests.PreparedDrivers>
{
    private const string JavacClass = "com.sun.tools.javac.main.JavaCompiler ";
    private const string FromArchive = "source: shared objects file";

    private static readonly string[] Cells =
    [
        "1+1",
        "int twice(int x) { return 2 * x; }",
        "twice(21)",
        "List.of(3, 1, 2).stream().sorted().map(String::valueOf).collect(Collectors.joining(\",\"))",
        "System.out.println(\"hi \" + twice(2));",
        "Integer.parseInt(\"x\")",
    ];

    /// <summary>The driver's drivers folder after Prepare: classes and the archive, made once for the class.</summary>
    public sealed class PreparedDrivers : IDisposable
    {
        public string Folder { get; } = Directory.CreateTempSubdirectory("agb-java-archive-").FullName;
        public string DriversDir => Path.Combine(Folder, "drivers");
        internal JavaDriver Driver { get; } = new();

        public PreparedDrivers()
        {
            CopySources(DriversDir);
            Driver.Prepare(DriversDir);
        }

        public static void CopySources(string driversDir)
        {
            string java = Path.Combine(driversDir, "java");
            Directory.CreateDirectory(java);
            foreach (string source in Directory.GetFiles(RepositoryFiles.PathOf("src/AgbCode.Engine/Resources/drivers/java"), "*.java"))
                File.Copy(source, Path.Combine(java, Path.GetFileName(source)));
        }

        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }

    /// <summary>The kernel's messages (each JSON line with its keys in one order: the kernel's maps have none) and its output.</summary>
    private sealed record KernelRun(string Messages, string Output, bool JavacShared);

    private static string Canonical(string messages) => string.Join("\n", messages.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(line => Sorted(JsonNode.Parse(line))?.ToJsonString()));

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Sorted)]),
        _ => node?.DeepClone(),
    };

    /// <summary>The kernel as the driver starts it (its JVM command, no supervisor), with this archive, on <see cref="Cells"/>.</summary>
    private KernelRun Run(string archive, string? share = null, string? imageDir = null)
    {
        string name = Guid.NewGuid().ToString("N");
        string requests = Path.Combine(drivers.Folder, name + ".requests");
        string messages = Path.Combine(drivers.Folder, name + ".messages");
        string classLog = Path.Combine(drivers.Folder, name + ".classes");
        File.WriteAllLines(requests, Cells.Select((cell, i) =>
            JsonSerializer.Serialize(new Dictionary<string, object> { ["code"] = cell, ["execution_count"] = i + 1 })));
        List<string> jvm = [.. drivers.Driver.Command(drivers.DriversDir, SessionLimits.Default, imageDir).SkipWhile(a => a != drivers.Driver.Executable)
            .Select(a => a.StartsWith("-XX:SharedArchiveFile=", StringComparison.Ordinal) ? "-XX:SharedArchiveFile=" + archive
                : a == "-Xshare:auto" && share is not null ? share : a)];
        jvm.Insert(1, $"-Xlog:class+load:file={classLog}");
        var (exitCode, output) = HostCommand.TryRun(Tools.Bash,
            ["-c", "exec \"${@:3}\" 3<\"$1\" 4>\"$2\" 5</dev/zero", "bash", requests, messages, .. jvm]);
        Assert.True(exitCode == 0, $"the kernel failed ({exitCode}): {output}");
        bool shared = File.ReadLines(classLog).Single(line => line.Contains(JavacClass, StringComparison.Ordinal)).Contains(FromArchive, StringComparison.Ordinal);
        return new KernelRun(Canonical(File.ReadAllText(messages)), output, shared);
    }

    private KernelRun WithoutSharing() => Run("/nonexistent.jsa", share: "-Xshare:off");

    [Fact]
    public void Prepare_makes_the_archive_and_the_kernel_loads_javac_from_it_with_the_same_results_as_without()
    {
        string archive = JavaClassArchive.PathIn(drivers.DriversDir);
        Assert.True(File.Exists(archive), File.Exists(Path.Combine(drivers.DriversDir, "java", JavaDriver.ArchiveSkippedNote))
            ? File.ReadAllText(Path.Combine(drivers.DriversDir, "java", JavaDriver.ArchiveSkippedNote)) : "no archive and no note");
        Assert.Equal(["classes", JavaClassArchive.FileName, JavaClassArchive.StampName], Directory.GetFileSystemEntries(Path.Combine(drivers.DriversDir, "java"))
            .Select(Path.GetFileName).Where(n => !n!.EndsWith(".java", StringComparison.Ordinal)).Order());   // no training leftovers

        KernelRun with = Run(archive);
        KernelRun without = WithoutSharing();

        Assert.True(with.JavacShared);
        Assert.False(without.JavacShared);
        Assert.Equal(without.Messages, with.Messages);
        Assert.Equal(without.Output, with.Output);
        Assert.Contains("\"text/plain\":\"42\"", with.Messages);
        Assert.Contains("NumberFormatException", with.Messages);
        Assert.Contains("hi 4", with.Output);
    }

    [Fact]
    public void The_archive_holds_no_class_path_so_an_image_s_jars_do_not_turn_it_off()
    {
        KernelRun run = Run(JavaClassArchive.PathIn(drivers.DriversDir), imageDir: Path.Combine(drivers.Folder, "image"));

        Assert.True(run.JavacShared);
        Assert.Equal(WithoutSharing().Messages, run.Messages);
    }

    public static TheoryData<string> Unusable => ["missing", "another JDK build", "another class path"];

    [Theory]
    [MemberData(nameof(Unusable))]
    public void A_missing_foreign_or_mismatched_archive_is_ignored_without_a_word(string which)
    {
        string archive = Path.Combine(drivers.Folder, which.Replace(' ', '-') + ".jsa");
        switch (which)
        {
            case "another JDK build":   // the JVM's own build string in the header, changed: what a JDK update leaves behind
                byte[] bytes = File.ReadAllBytes(JavaClassArchive.PathIn(drivers.DriversDir));
                int at = IndexOf(bytes, System.Text.Encoding.ASCII.GetBytes(JvmBuild()));
                Assert.True(at >= 0, "the archive names no JVM build");
                bytes[at] = (byte)'0';
                File.WriteAllBytes(archive, bytes);
                break;
            case "another class path":   // a dynamic archive of this kernel (javac included) run from a jar elsewhere
                string jar = Path.Combine(drivers.Folder, "elsewhere", "kernel.jar");
                Directory.CreateDirectory(Path.GetDirectoryName(jar)!);
                HostCommand.Run("/usr/bin/jar", "cf", jar, "-C", Path.Combine(drivers.DriversDir, "java", "classes"), ".");
                HostCommand.Run(Tools.Bash, "-c", "exec \"$@\" 3</dev/null 4>/dev/null 5</dev/zero", "bash",
                    drivers.Driver.Executable, $"-XX:ArchiveClassesAtExit={archive}", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "--add-opens", "jdk.jshell/jdk.jshell=ALL-UNNAMED", "-Djava.security.manager=allow", "-cp", jar, "agb.JavaKernel");
                Assert.True(File.Exists(archive));
                break;
        }

        KernelRun run = Run(archive);

        Assert.False(run.JavacShared);
        Assert.Equal(WithoutSharing().Messages, run.Messages);
        Assert.DoesNotContain("warning", run.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("archive", run.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void An_archive_that_cannot_be_made_leaves_java_available_and_says_why_beside_it()
    {
        string driversDir = Path.Combine(drivers.Folder, "unwritable", "drivers");
        PreparedDrivers.CopySources(driversDir);
        Directory.CreateDirectory(Path.Combine(JavaClassArchive.PathIn(driversDir), "in-the-way"));   // a folder where the archive goes

        drivers.Driver.Prepare(driversDir);

        Assert.True(drivers.Driver.IsPrepared(driversDir));
        Assert.Null(drivers.Driver.Unavailability(driversDir));
        Assert.NotEmpty(File.ReadAllText(Path.Combine(driversDir, "java", JavaDriver.ArchiveSkippedNote)));
    }

    [Fact]
    public void A_JDK_update_makes_the_archive_again_at_the_next_engine_start_and_nothing_else_does()
    {
        string driversDir = Path.Combine(drivers.Folder, "updated", "drivers");
        PreparedDrivers.CopySources(driversDir);
        drivers.Driver.Prepare(driversDir);
        string archive = JavaClassArchive.PathIn(driversDir);
        DateTime made = File.GetLastWriteTimeUtc(archive);

        Assert.False(drivers.Driver.Refresh(driversDir));   // the same JDK: nothing to do
        Assert.Equal(made, File.GetLastWriteTimeUtc(archive));

        // what a JDK update leaves behind: the stamp of the JDK before, and an archive the JVM would now ignore
        File.WriteAllText(Path.Combine(driversDir, "java", JavaClassArchive.StampName), "/usr/lib/jvm/before/lib/modules 1 1");
        File.WriteAllBytes(archive, [1, 2, 3]);

        Assert.True(drivers.Driver.Refresh(driversDir));
        Assert.True(JavaClassArchive.IsCurrent(driversDir, drivers.Driver.Executable));
        Assert.True(Run(archive).JavacShared);
        Assert.False(drivers.Driver.Refresh(driversDir));
    }

    private static string JvmBuild()
    {
        string version = HostCommand.TryRun("/usr/bin/java", "-version").Output;
        return System.Text.RegularExpressions.Regex.Match(version, @"\(build ([^,)]+)").Groups[1].Value;
    }

    private static int IndexOf(byte[] haystack, byte[] needle) =>
        needle.Length == 0 ? -1 : Enumerable.Range(0, haystack.Length - needle.Length + 1)
            .FirstOrDefault(i => haystack.AsSpan(i, needle.Length).SequenceEqual(needle), -1);
}
