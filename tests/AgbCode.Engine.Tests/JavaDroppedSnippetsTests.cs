using AgbCode.Engine.Platform;
using AgbCode.Tests.Shared;

namespace AgbCode.Engine.Tests;

/// <summary>
/// The Java evaluator's DroppedSnippets and SymbolTables against the JDK's real JShell, outside a sandbox: what JShell
/// keeps of dropped snippets goes (else every run walks all earlier ones), live declarations stay and still work.
/// </summary>
public class JavaDroppedSnippetsTests
{
    private const string Java = "/usr/bin/java";
    private const string Javac = "/usr/bin/javac";

    // Two shells, 50 dropped `1+1` each: one forgets them and prunes javac's tables, the other only drops the snippets.
    private const string Probe = """
        package agb;

        import jdk.jshell.JShell;
        import jdk.jshell.SnippetEvent;

        public final class DroppedSnippetsProbe {
            public static void main(String[] args) {
                System.out.println(run(true) + " " + run(false));
            }

            private static String run(boolean forget) {
                try (JShell shell = JShell.builder().executionEngine("local").build()) {
                    DroppedSnippets dropped = DroppedSnippets.of(shell);
                    SymbolTables symbols = SymbolTables.of(shell);
                    shell.eval("int kept = 41;");
                    int names = symbols.names();
                    for (int i = 0; i < 50; i++) {
                        for (SnippetEvent event : shell.eval("1 + 1")) {
                            shell.drop(event.snippet());
                            if (forget)
                                dropped.forget(event.snippet());
                        }
                        if (forget)
                            symbols.prune();
                    }
                    String value = shell.eval("kept + 1").get(0).value();
                    if (forget)
                        symbols.prune();
                    return dropped.classFiles() + ":" + dropped.snippets() + ":" + (symbols.names() - names) + ":" + value;
                }
            }
        }
        """;

    [Fact]
    public void Dropped_snippets_leave_jshell_and_javac_and_declarations_stay()
    {
        using var folder = new TemporaryFolder();
        string probe = Path.Combine(folder.Path, "DroppedSnippetsProbe.java");
        File.WriteAllText(probe, Probe);
        string classes = Path.Combine(folder.Path, "classes");
        string drivers = RepositoryFiles.PathOf("src/AgbCode.Engine/Resources/drivers/java");
        HostCommand.Run(Javac, ["-d", classes, "-encoding", "UTF-8", .. Directory.GetFiles(drivers, "*.java"), probe]);

        string output = HostCommand.Run(Java, "--add-opens", "jdk.jshell/jdk.jshell=ALL-UNNAMED",
            "--add-opens", "jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED", "--add-opens", "jdk.compiler/com.sun.tools.javac.code=ALL-UNNAMED",
            "--add-opens", "jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED", "-cp", classes, "agb.DroppedSnippetsProbe").Trim();

        // counted after `kept + 1` (its "$51" is not dropped) beside the declaration: forgetting leaves their two classes
        // and snippets, and no name more in javac's tables than before the 50 runs; dropping alone keeps the dropped
        // snippets' classes and snippets, and an emptied name for each of their wrapper classes in each pooled context
        string[] runs = output.Split(' ');
        Assert.Equal(2, runs.Length);
        Assert.Equal(["2", "2", "0", "42"], runs[0].Split(':'));
        string[] kept = runs[1].Split(':');
        Assert.Equal(["52", "52", "42"], [kept[0], kept[1], kept[3]]);
        Assert.True(int.Parse(kept[2]) >= 50, output);
    }

    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("agb-dropped-snippets-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
