package agb;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Map;

import jdk.jshell.JShell;
import jdk.jshell.Snippet;

/**
 * Forgets the class files of dropped snippets in JShell's in-memory file manager.
 *
 * <p>JShell keeps every class it ever compiled there, and javac lists them all whenever it completes the REPL package,
 * several times per snippet: after a few hundred `1+1` runs that listing was half of a run's CPU. A dropped snippet's
 * classes are no longer compiled against, and the snippets that ran keep theirs in the class loader, so only javac's
 * copy goes. It reaches JShell's internals (the JVM opens jdk.jshell to the evaluator: --add-opens); on a JDK where they
 * differ, nothing is forgotten and runs are only slower.
 */
final class CompiledClasses {
    private final Map<String, ?> classFiles;
    private final Method className;

    private CompiledClasses(Map<String, ?> classFiles, Method className) {
        this.classFiles = classFiles;
        this.className = className;
    }

    @SuppressWarnings("unchecked")
    static CompiledClasses of(JShell shell) {
        try {
            Object taskFactory = field(JShell.class, "taskFactory").get(shell);
            Object fileManager = field(taskFactory.getClass(), "fileManager").get(taskFactory);
            Map<String, ?> classFiles = (Map<String, ?>) field(fileManager.getClass(), "classObjects").get(fileManager);
            Method className = Snippet.class.getDeclaredMethod("classFullName");
            className.setAccessible(true);
            return new CompiledClasses(classFiles, className);
        } catch (ReflectiveOperationException | RuntimeException unavailable) {
            return new CompiledClasses(null, null);
        }
    }

    /** The snippet's wrapper class and the classes nested in it ("REPL.$JShell$12", "REPL.$JShell$12$1"). */
    void forget(Snippet dropped) {
        if (classFiles == null)
            return;
        try {
            String wrapper = (String) className.invoke(dropped);
            if (wrapper != null)
                classFiles.keySet().removeIf(name -> name.equals(wrapper) || name.startsWith(wrapper + "$"));
        } catch (ReflectiveOperationException | RuntimeException unavailable) {
            // housekeeping: runs stay correct, only slower
        }
    }

    /** The class files javac lists (-1 when JShell's store cannot be reached). */
    int size() {
        return classFiles == null ? -1 : classFiles.size();
    }

    private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
        Field field = owner.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }
}
