package agb;

import java.lang.reflect.Method;

import jdk.jshell.JShell;
import jdk.jshell.SourceCodeAnalysis;

/**
 * JShell's source analysis without its class index.
 *
 * <p>Creating the analysis starts a background indexer that lists every class of the JDK and the class path, for
 * completion suggestions and documentation, which the evaluator never asks for: it only splits cells into snippets
 * (analyzeCompletion, which does not use the index). Left running, the indexer competes with a new session's first
 * cells for the session's CPU and keeps its index in the heap. Suspending it (JShell's own switch, which the jshell
 * tool uses while it starts) before it reaches its first path keeps it idle; it is reached by reflection (the JVM opens
 * jdk.jshell to the evaluator), and on a JDK where it differs the index is only built as before.
 */
final class UnindexedAnalysis {
    private UnindexedAnalysis() {
    }

    static SourceCodeAnalysis of(JShell shell) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        try {
            Method suspend = analysis.getClass().getMethod("suspendIndexing");
            suspend.setAccessible(true);
            suspend.invoke(analysis);
        } catch (ReflectiveOperationException | RuntimeException unavailable) {
            // the index is built in the background as JShell would
        }
        return analysis;
    }
}
