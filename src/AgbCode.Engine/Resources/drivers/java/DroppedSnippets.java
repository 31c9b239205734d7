package agb;

import static agb.JdkInternals.method;
import static agb.JdkInternals.read;
import static agb.JdkInternals.type;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.VarSnippet;

/**
 * Forgets what JShell keeps of a dropped snippet, so that a session's thousandth cell costs what its tenth did.
 *
 * <p>JShell keeps every snippet it ever saw, dropped or not: the snippet in the set that each javac task walks and in
 * the key index that each wrapper's imports are made from, its class files in javac's in-memory store (listed whenever
 * javac completes the REPL package), its classes' bytes in its class tracker, the key of a temporary variable ("$5"),
 * and the value that variable held, in a static field of a class that stays loaded. Dropped snippets are never compiled
 * against, looked up by key or loaded again, so all of that goes; the classes stay loaded, with their origins, since a
 * lambda a dropped statement made may still run. It reaches JShell's internals (the JVM opens jdk.jshell to the
 * evaluator); on a JDK where they differ, the part that cannot be reached is skipped and runs are only slower.
 */
final class DroppedSnippets {
    private final Map<String, ?> classFiles;
    private final Set<Snippet> snippets;
    private final List<Snippet> snippetsByKey;
    private final Map<String, ?> classBytes;
    private final Map<String, ?> variableKeys;
    private final Method className;
    private final Method key;
    private final Method keyIndex;

    private DroppedSnippets(JShell shell) {
        classFiles = read(read(read(shell, "taskFactory"), "fileManager"), "classObjects");
        Object maps = read(shell, "maps");
        snippets = read(maps, "snippets");
        snippetsByKey = read(maps, "keyIndexToSnippet");
        classBytes = read(read(shell, "classTracker"), "map");
        variableKeys = read(read(shell, "keyMap"), "varMap");
        className = method(Snippet.class, "classFullName");
        key = method(Snippet.class, "key");
        keyIndex = method(type("jdk.jshell.Key"), "index");
    }

    static DroppedSnippets of(JShell shell) {
        return new DroppedSnippets(shell);
    }

    /**
     * Snippets that declare nothing a later cell can name: expressions, statements, erroneous snippets and the "$5" an
     * expression declares. Each has a key of its own, which no later snippet gets again.
     */
    static boolean declaresNothing(Snippet snippet) {
        return switch (snippet.kind()) {
            case EXPRESSION, STATEMENT, ERRONEOUS -> true;
            case VAR -> snippet.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
            default -> false;
        };
    }

    /**
     * Forgets a snippet JShell has just dropped. Of a declaration only javac's class files and the walked set go: its
     * key comes back with its name, and JShell then needs the old snippet and its class's bytes to replace them.
     */
    void forget(Snippet dropped) {
        try {
            String wrapper = className == null ? null : (String) className.invoke(dropped);
            if (wrapper != null && classFiles != null)
                classFiles.keySet().removeIf(name -> isOf(name, wrapper));
            if (snippets != null)
                snippets.remove(dropped);
            if (!declaresNothing(dropped))
                return;
            if (wrapper != null && classBytes != null)
                classBytes.keySet().removeIf(name -> isOf(name, wrapper));
            if (snippetsByKey != null && key != null && keyIndex != null) {
                int index = (Integer) keyIndex.invoke(key.invoke(dropped));
                if (index < snippetsByKey.size() && snippetsByKey.get(index) == dropped)
                    snippetsByKey.set(index, null);
            }
            if (dropped instanceof VarSnippet temporary) {
                if (wrapper != null)
                    Execution.forgetValue(wrapper, temporary.name());
                if (variableKeys != null)
                    variableKeys.remove(temporary.name());
            }
        } catch (ReflectiveOperationException | RuntimeException unavailable) {
            // housekeeping: runs stay correct, only slower
        }
    }

    /** The class files javac lists (-1 when JShell's store cannot be reached). */
    int classFiles() {
        return classFiles == null ? -1 : classFiles.size();
    }

    /** The snippets each javac task walks (-1 when JShell's set cannot be reached). */
    int snippets() {
        return snippets == null ? -1 : snippets.size();
    }

    /** The wrapper class ("REPL.$JShell$12") or one nested in it ("REPL.$JShell$12$1"). */
    private static boolean isOf(String name, String wrapper) {
        return name.equals(wrapper) || name.startsWith(wrapper + "$");
    }
}
