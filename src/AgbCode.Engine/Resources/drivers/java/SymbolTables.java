package agb;

import static agb.JdkInternals.read;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;

import jdk.jshell.JShell;

/**
 * Keeps javac's symbol tables in JShell's pooled compiler contexts from growing with every snippet.
 *
 * <p>After each javac task JShell removes the REPL package's classes from the table, which keeps an empty entry under
 * each removed class's name; JShell then walks the whole table after every task, so a session's runs grew slower with
 * each cell it had run. javac looks names up with defaults, so an empty entry means what no entry does: they go between
 * cells, while no task runs. It reaches javac's internals (the JVM opens jdk.compiler's api, code and util packages
 * to the evaluator); where they differ, nothing is pruned.
 */
final class SymbolTables {
    private final Object taskFactory;
    private final Method symtab;

    private SymbolTables(Object taskFactory, Method symtab) {
        this.taskFactory = taskFactory;
        this.symtab = symtab;
    }

    static SymbolTables of(JShell shell) {
        try {
            Class<?> context = Class.forName("com.sun.tools.javac.util.Context");
            Method symtab = Class.forName("com.sun.tools.javac.code.Symtab").getMethod("instance", context);
            return new SymbolTables(read(shell, "taskFactory"), symtab);
        } catch (ReflectiveOperationException | RuntimeException unavailable) {
            return new SymbolTables(null, null);
        }
    }

    /** Removes the names no class is left under; how many (-1: out of reach). */
    int prune() {
        List<Map<?, ? extends Map<?, ?>>> tables = tables();
        if (tables == null)
            return -1;
        int removed = 0;
        for (Map<?, ? extends Map<?, ?>> classes : tables) {
            int before = classes.size();
            classes.values().removeIf(Map::isEmpty);
            removed += before - classes.size();
        }
        return removed;
    }

    /** The names in all the tables (-1: out of reach). */
    int names() {
        List<Map<?, ? extends Map<?, ?>>> tables = tables();
        return tables == null ? -1 : tables.stream().mapToInt(Map::size).sum();
    }

    /** The class table of each context the pool holds idle; null when javac's or JShell's internals differ. */
    private List<Map<?, ? extends Map<?, ?>>> tables() {
        Object pool = read(taskFactory, "javacTaskPool");   // replaced by addToClasspath
        Map<?, ? extends Queue<?>> contexts = read(pool, "options2Contexts");
        if (contexts == null || symtab == null)
            return null;
        List<Map<?, ? extends Map<?, ?>>> tables = new ArrayList<>();
        try {
            synchronized (pool) {   // the pool hands contexts out and takes them back under this lock
                for (Queue<?> idle : contexts.values()) {
                    for (Object context : idle) {
                        Map<?, ? extends Map<?, ?>> classes = read(symtab.invoke(null, context), "classes");
                        if (classes == null)
                            return null;
                        tables.add(classes);
                    }
                }
            }
            return tables;
        } catch (ReflectiveOperationException | RuntimeException unavailable) {
            return null;
        }
    }
}
