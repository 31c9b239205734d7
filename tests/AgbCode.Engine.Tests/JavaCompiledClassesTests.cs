using AgbCode.Engine.Platform;
using AgbCode.Tests.Shared;

namespace AgbCode.Engine.Tests;

/// <summary>
/// The Java evaluator's CompiledClasses against the JDK's real JShell, outside a sandbox: the class files of dropped
/// snippets leave javac's store (else every run lists all earlier ones), those of live declarations stay.
/// </summary>
public class JavaCompiledClassesTests
{
    private const string Java = "/usr/bin/java";
    private const string Javac = "/usr/bin/javac";

    // Two shells, 50 dropped `1+1` each: one forgets their classes, the other only drops the snippets.
    private const string Probe = """
        package agb;

        import jdk.jshell.JShell;
        import jdk.jshell.SnippetEvent;

        public final class CompiledClassesProbe {
            public static void main(String[] args) {
                System.out.println(run(true) + " " + run(false));
            }

            private static String run(boolean forget) {
                try (JShell shell = JShell.builder().executionEngine("local").build()) {
                    CompiledClasses compiled = CompiledClasses.of(shell);
                    shell.eval("int kept = 41;");
                    for (int i = 0; i < 50; i++) {
                        for (SnippetEvent event : shell.eval("1 + 1")) {
                            shell.drop(event.snippet());
                            if (forget)
                                compiled.forget(event.snippet());
                        }
                    }
                    String value = shell.eval("kept + 1").get(0).value();
                    return compiled.size() + ":" + value;
                }
            }
        }
        """;

    [Fact]
    public void Dropped_snippets_leave_javacs_class_store_and_declarations_stay()
    {
        using var folder = new TemporaryFolder();
        string probe = Path.Combine(folder.Path, "CompiledClassesProbe.java");
        File.WriteAllText(probe, Probe);
        string classes = Path.Combine(folder.Path, "classes");
        HostCommand.Run(Javac, "-d", classes, "-encoding", "UTF-8",
            RepositoryFiles.PathOf("src/AgbCode.Engine/Resources/drivers/java/CompiledClasses.java"), probe);

        string output = HostCommand.Run(Java, "--add-opens", "jdk.jshell/jdk.jshell=ALL-UNNAMED", "-cp", classes, "agb.CompiledClassesProbe").Trim();

        // counted after `kept + 1`, which is not dropped: forgetting leaves its class and the declaration's, dropping
        // alone those two and the 50 dropped snippets' classes; the declaration works either way
        Assert.Equal("2:42 52:42", output);
    }

    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("agb-compiled-classes-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
