package agb;

import java.lang.reflect.Field;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.LockSupport;

/**
 * JShell's completion index: every package and class of the JDK's modules and the class path, listed for tab completion
 * by one background thread as soon as a shell's source analysis exists (the kernel's first cell). That is about 0.4 s
 * of CPU in every new session, competing with its first cell inside the session's CPU share. The kernel never asks for
 * completions (it only splits cells into snippets, which needs no index), so before any analysis exists that thread
 * is handed a task that never ends: index refreshes queue behind it and never run.
 */
final class CompletionIndex {
    private CompletionIndex() {
    }

    /** Keeps the index from being built; on a JDK where JShell is laid out otherwise, it is built as before. */
    static void neverBuild() {
        try {
            Field indexer = Class.forName("jdk.jshell.SourceCodeAnalysisImpl").getDeclaredField("INDEXER");
            indexer.setAccessible(true);   // jdk.jshell is opened to the kernel (--add-opens)
            ((ExecutorService) indexer.get(null)).submit(CompletionIndex::parkForever);
        } catch (ReflectiveOperationException | RuntimeException layoutChanged) {
            // the index costs CPU, nothing else
        }
    }

    private static void parkForever() {
        while (true)
            LockSupport.park();
    }
}
