using System.Text.Json;
using AgbCode.Engine.Platform;
using AgbCode.Engine.Sandbox;

namespace AgbCode.Engine.Kernels.Drivers;

/// <summary>
/// The Java kernel's class-data sharing archive (docs/engine.md, "The Java kernel's start"): the JDK classes a kernel
/// loads from its start to its first cells (JShell, javac), parsed and laid out once at install so that every kernel
/// maps them instead of loading them. Made by running the kernel on a few training cells with the JVM listing what it
/// loads, then dumping a static archive of that list's JDK classes. The evaluator's own classes and the snippets'
/// are left out, so the archive does not depend on the class path; the JVM checks the rest (its own build, the
/// JDK's module image, its flags) and, with -Xshare:auto, ignores an archive that does not match.
/// </summary>
internal static class JavaClassArchive
{
    public const string FileName = "kernel.jsa";
    /// <summary>Beside the archive: the JDK it was made for (<see cref="JdkStamp"/>), made or not.</summary>
    public const string StampName = "kernel.jsa.jdk";

    /// <summary>What a session's first cells typically ask of javac and JShell: declarations, lambdas, output, errors, a program.</summary>
    private static readonly string[] TrainingCells =
    [
        "1+1",
        "int n = 41;",
        "int twice(int x) { return 2 * x; }",
        "record Point(int x, int y) { }",
        "class Counter { private int count; void add() { count++; } }",
        "var words = new ArrayList<>(List.of(\"b\", \"a\")); Collections.sort(words); words",
        "IntStream.range(0, 10).map(i -> i * i).boxed().collect(Collectors.toList())",
        "System.out.println(String.format(\"%d %s\", twice(n), new Point(1, 2)));",
        "Map<String, Integer> counts = new HashMap<>(); counts.merge(\"a\", 1, Integer::sum); counts",
        "undefinedName + 1",
        "Integer.parseInt(\"x\")",
        "for (int i = 0; i < 3; i++) { n += i; }",
    ];
    private const string TrainingProgram = "public class F { public static void main(String[] a) { System.out.println(45); } }\n";

    /// <summary>Where the archive is in a drivers folder (the sandbox's or the host's).</summary>
    public static string PathIn(string driversDir) => Path.Combine(driversDir, "java", FileName);

    /// <summary>
    /// Makes the archive in <paramref name="driversDir"/> with the kernel's own JVM and options (<paramref name="kernel"/>:
    /// the java program, its options without the class-data ones, then -cp and the main class). Returns why it could
    /// not be made, or null; without it the kernel starts as before, only slower.
    /// </summary>
    public static string? TryMake(string driversDir, IReadOnlyList<string> kernel)
    {
        string archive = PathIn(driversDir);
        string folder = Path.GetDirectoryName(archive)!;
        string unique = Guid.NewGuid().ToString("N");   // engines starting together may both remake it
        string requests = Path.Combine(folder, $"kernel.training-{unique}");
        string classList = Path.Combine(folder, $"kernel.classlist-{unique}");
        string staging = $"{archive}.staging-{unique}";
        try
        {
            File.WriteAllText(Path.Combine(folder, StampName), JdkStamp(kernel[0]));
            File.WriteAllLines(requests, TrainingRequests());
            // the kernel reads its requests on fd 3, writes messages to fd 4 and reads output acknowledgements on fd 5
            HostCommand.Run(Tools.Bash, ["-c", "exec \"${@:2}\" 3<\"$1\" 4>/dev/null 5</dev/zero", "bash", requests,
                kernel[0], $"-XX:DumpLoadedClassList={classList}", .. kernel.Skip(1)]);
            File.WriteAllLines(classList, File.ReadLines(classList).Where(IsJdkClass).ToList());
            int main = kernel.ToList().IndexOf("-cp");
            HostCommand.Run(kernel[0], ["-Xshare:dump", $"-XX:SharedClassListFile={classList}", $"-XX:SharedArchiveFile={staging}",
                .. kernel.Skip(1).Take(main - 1)]);
            File.Move(staging, archive, overwrite: true);
            return null;
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            File.Delete(staging);
            return failure.Message;
        }
        finally
        {
            File.Delete(requests);
            File.Delete(classList);
        }
    }

    /// <summary>Whether the archive (or the failure to make it) is for the JDK installed now; a JDK update makes it stale.</summary>
    public static bool IsCurrent(string driversDir, string java)
    {
        string stamp = Path.Combine(driversDir, "java", StampName);
        return File.Exists(stamp) && File.ReadAllText(stamp) == JdkStamp(java);
    }

    /// <summary>The JDK's VM and module image (the two files the archive's header checks), by size and time.</summary>
    private static string JdkStamp(string java)
    {
        string home = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(new FileInfo(java).ResolveLinkTarget(true)?.FullName ?? java))!)!;
        return string.Join("\n", new[] { "lib/server/libjvm.so", "lib/modules" }.Select(relative =>
        {
            var file = new FileInfo(Path.Combine(home, relative));
            return file.Exists ? $"{file.FullName} {file.Length} {file.LastWriteTimeUtc.Ticks}" : $"{file.FullName} missing";
        }));
    }

    private static IEnumerable<string> TrainingRequests()
    {
        int count = 0;
        foreach (string cell in TrainingCells)
            yield return JsonSerializer.Serialize(new Dictionary<string, object> { ["code"] = cell, ["execution_count"] = ++count });
        yield return JsonSerializer.Serialize(new Dictionary<string, object>
            { ["code"] = TrainingProgram, ["execution_count"] = ++count, ["filename"] = "F.java" });
    }

    /// <summary>
    /// A class-list line that names only JDK classes: not the evaluator's (agb/), the snippets' (REPL/) or generated
    /// proxies, which the dump could not find without the kernel's class path. Comments go too.
    /// </summary>
    private static bool IsJdkClass(string line) =>
        !line.StartsWith('#') && !line.Split(' ').Any(token => token.StartsWith("agb/", StringComparison.Ordinal)
            || token.StartsWith("REPL/", StringComparison.Ordinal) || token.StartsWith("jdk/proxy", StringComparison.Ordinal));
}
